package htmlcheck

import "testing"

func TestFragment(t *testing.T) {
	for _, bad := range []string{
		`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `<a href=" JaVa&#09;script:alert(1)">x</a>`,
		`<p style="x:expression(alert(1))">x</p>`, `<svg><script>alert(1)</script></svg>`, `<iframe src=x></iframe>`,
		`<form action=x><button formaction=y>go</button></form>`, `<a href="data:text/html,<script>">x</a>`,
	} {
		if len(Fragment(bad)) == 0 {
			t.Errorf("%s passed as safe", bad)
		}
	}
	for _, good := range []string{`<p>Plain <b>text</b> &amp; <a href="https://x.example/">a link</a></p>`, `text only`} {
		if got := Fragment(good); len(got) != 0 {
			t.Errorf("%s reported unsafe: %v", good, got)
		}
	}
}

func TestFeedXML(t *testing.T) {
	ok := []byte(`<rss><channel><item><title>a &lt;b&gt;</title><description><![CDATA[<script>]]></description></item></channel></rss>`)
	if bad, err := FeedXML(ok); err != nil || len(bad) != 0 {
		t.Errorf("a clean feed reported %v, %v", bad, err)
	}
	if bad, err := FeedXML([]byte(`<rss><channel><item><title>x</title><script>1</script></item></channel></rss>`)); err != nil || len(bad) != 1 {
		t.Errorf("injected element: got %v, %v", bad, err)
	}
	if _, err := FeedXML([]byte(`<rss><channel>`)); err == nil {
		t.Error("a truncated document is not an error")
	}
}
