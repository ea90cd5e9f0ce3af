package redact

import "testing"

func TestURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "https://blog.example/feed/", "https://blog.example/feed/"},
		{"user and password", "https://reader:s3cret@blog.example/feed", "https://xxxxx@blog.example/feed"},
		{"token as user name", "https://ghp_abc123@blog.example/feed", "https://xxxxx@blog.example/feed"},
		{"@ in the path is no user", "https://blog.example/@films/feed", "https://blog.example/@films/feed"},
		{"token", "https://blog.example/feed?token=abc&page=2", "https://blog.example/feed?token=xxxxx&page=2"},
		{"every listed name", "https://h/f?key=1&api_key=2&access_token=3&auth=4&password=5&secret=6&sig=7",
			"https://h/f?key=xxxxx&api_key=xxxxx&access_token=xxxxx&auth=xxxxx&password=xxxxx&secret=xxxxx&sig=xxxxx"},
		{"case and words", "https://h/f?X-Amz-Signature=9&Private_Token=8&monkey=banana",
			"https://h/f?X-Amz-Signature=xxxxx&Private_Token=xxxxx&monkey=banana"},
		{"escaped name", "https://h/f?api%5Fkey=1", "https://h/f?api%5Fkey=xxxxx"},
		{"both, and a fragment", "http://u:p@127.0.0.1:8080/feed.xml?token=T&x=1#top",
			"http://xxxxx@127.0.0.1:8080/feed.xml?token=xxxxx&x=1#top"},
		{"unparsable still redacted", "https://u:p@bad host/%zz?token=T", "https://xxxxx@bad host/%zz?token=xxxxx"},
		{"a file path", "/srv/feeds/films.xml", "/srv/feeds/films.xml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := URL(tc.in); got != tc.want {
				t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestWithin(t *testing.T) {
	t.Parallel()
	raw := "https://u:p@h/feed?token=T"
	got := Within("fetch "+raw+": HTTP 404", raw)
	if want := "fetch https://xxxxx@h/feed?token=xxxxx: HTTP 404"; got != want {
		t.Errorf("Within = %q, want %q", got, want)
	}
	if got := Within("no URL here", ""); got != "no URL here" {
		t.Errorf("Within with no URL = %q", got)
	}
}
