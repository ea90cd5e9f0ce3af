package feed

import "testing"

func TestNormalizeLink(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://blog.example.com/2014/02/her-review/", "https://blog.example.com/2014/02/her-review"},
		{"http://Blog.Example.COM/her/", "https://blog.example.com/her"},
		{"https://blog.example.com/her/?utm_source=rss&utm_medium=rss&utm_campaign=x", "https://blog.example.com/her"},
		{"https://blog.example.com/her?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref=tw&si=abc", "https://blog.example.com/her"},
		{"https://www.showcase-blog.com/post/her-review?lang=es", "https://www.showcase-blog.com/post/her-review"},
		{"https://blog.example.com/?p=101&utm_source=rss", "https://blog.example.com?p=101"},
		{"https://blog.example.com/her#comments", "https://blog.example.com/her"},
		{"https://blog.example.com:443/her", "https://blog.example.com/her"},
		{"//blog.example.com/her/", "https://blog.example.com/her"},
		{"  https://blog.example.com/  ", "https://blog.example.com"},
		{"not a url", "not a url"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := NormalizeLink(tt.in); got != tt.want {
				t.Errorf("NormalizeLink(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestResolveURL(t *testing.T) {
	t.Parallel()
	base := ParseBase("https://blog.example.com/2014/02/her-review/")
	tests := []struct{ ref, want string }{
		{"/wp-content/a.jpg", "https://blog.example.com/wp-content/a.jpg"},
		{"docs/a.png", "https://blog.example.com/2014/02/her-review/docs/a.png"},
		{"//cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg"},
		{"www.example.de/x", "https://www.example.de/x"},
		{"https://other.example/a.jpg", "https://other.example/a.jpg"},
		{"javascript:alert(1)", ""},
		{"data:image/gif;base64,R0lGOD", ""},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			t.Parallel()
			if got := ResolveURL(base, tt.ref); got != tt.want {
				t.Errorf("ResolveURL(%q) = %q, want %q", tt.ref, got, tt.want)
			}
		})
	}
}
