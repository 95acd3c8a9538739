package news

import "testing"

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://news.example/feed.xml", "https://news.example/feed.xml"},
		{"http://user:secret@host.example/feed.xml", "http://***@host.example/feed.xml"},
		{"http://user@host.example/feed.xml", "http://***@host.example/feed.xml"},
		{"https://h.example/f?token=abc&page=2", "https://h.example/f?token=***&page=2"},
		{"https://h.example/f?page=2&API_KEY=abc&Sig=x&x=1", "https://h.example/f?page=2&API_KEY=***&Sig=***&x=1"},
		{"https://h.example/f?access_token=a&apikey=b&auth=c&password=d&passwd=e&secret=f&signature=g&key=h",
			"https://h.example/f?access_token=***&apikey=***&auth=***&password=***&passwd=***&secret=***&signature=***&key=***"},
		{"https://h.example/f?keyword=news", "https://h.example/f?keyword=news"},
		{"https://h.example/f?%74oken=abc", "https://h.example/f?%74oken=***"},
		{"http://u:p@h.example:8080/f?token=1#frag", "http://***@h.example:8080/f?token=***#frag"},
		{"http://u:p@[::1/f", "http://***@[::1/f"}, // does not parse
		{"/srv/feeds/local.xml", "/srv/feeds/local.xml"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := RedactURL("https://h.example/f?session=abc&Code=1", "session", "code"), "https://h.example/f?session=***&Code=***"; got != want {
		t.Errorf("configured params: got %q, want %q", got, want)
	}
}

func TestRedactText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`fetch a: Get "http://bob:hunter2@10.0.0.5:8080/feed?token=t0k": dial tcp 10.0.0.5:8080: connect: connection refused`,
			`fetch a: Get "http://***@10.0.0.5:8080/feed?token=***": dial tcp 10.0.0.5:8080: connect: connection refused`},
		{"redirect loop at https://u:p@h.example/loop.", "redirect loop at https://***@h.example/loop."},
		{"no url here", "no url here"},
		{"two: http://a:b@x.example/ and https://y.example/?sig=s", "two: http://***@x.example/ and https://y.example/?sig=***"},
	}
	for _, tt := range tests {
		if got := RedactText(tt.in); got != tt.want {
			t.Errorf("RedactText(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestIsBidiControl(t *testing.T) {
	for _, r := range "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c" {
		if !IsBidiControl(r) {
			t.Errorf("%U is a bidi control", r)
		}
	}
	for _, r := range "aé中\u200d\u2060 " {
		if IsBidiControl(r) {
			t.Errorf("%U is not a bidi control", r)
		}
	}
}

func TestSecretParams(t *testing.T) {
	a, b := NewSecretParams("Session", "code", " "), NewSecretParams("code", "session", "CODE")
	if a != b || len(a.Names()) != 2 || a.Names()[0] != "code" {
		t.Errorf("sets differ: %q %q", a.Names(), b.Names())
	}
	if (SecretParams{}).Names() != nil || NewSecretParams() != (SecretParams{}) {
		t.Error("empty set")
	}
}
