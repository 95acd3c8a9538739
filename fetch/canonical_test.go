package fetch

import "testing"

func TestCanonicalURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://news.example/a", "https://news.example/a"},
		{"HTTPS://News.EXAMPLE/Path/Case", "https://news.example/Path/Case"},
		{"http://news.example", "http://news.example/"},
		{"http://news.example:80/x", "http://news.example/x"},
		{"https://news.example:443/x", "https://news.example/x"},
		{"https://news.example:8443/x", "https://news.example:8443/x"},
		{"https://news.example/x#section-2", "https://news.example/x"},
		{"https://news.example/x?utm_source=rss&utm_medium=feed", "https://news.example/x"},
		{"https://news.example/x?b=2&fbclid=abc&a=1&UTM_Campaign=z", "https://news.example/x?a=1&b=2"},
		{"https://news.example/x?id=5&gclid=1&ref=rss", "https://news.example/x?id=5"},
		{"https://news.example/x?q=a%2Fb&p=%7E", "https://news.example/x?p=%7E&q=a%2Fb"},
		{"https://news.example/x?a=1;b=2", "https://news.example/x?a=1;b=2"},
		{"https://news.example/x?", "https://news.example/x"},
		{"https://user:secret@news.example/x", "https://news.example/x"},
		{"https://news.example./x", "https://news.example/x"},
		{"https://Bücher.example/x", "https://xn--bcher-kva.example/x"},
		{"https://news.example/a/./b/../c/", "https://news.example/a/c/"},
		{"https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"},
		{"https://[2001:db8::1]:8080/x", "https://[2001:db8::1]:8080/x"},
		{"  https://news.example/x  ", "https://news.example/x"},
		{"/relative/path", "/relative/path"},
		{"mailto:desk@news.example", "mailto:desk@news.example"},
		{"ftp://files.example/x", "ftp://files.example/x"},
		{"", ""},
		{"http://[::1", "http://[::1"},
	} {
		if got := CanonicalURL(tc.in); got != tc.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
