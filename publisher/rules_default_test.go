package publisher

import "testing"

func TestDefaultRules(t *testing.T) {
	t.Parallel()
	text := "Her https://example-films.blog/reviews/her 👨‍👩‍👧‍👦 千"
	tests := []struct {
		rules                 Rules
		limit, maxBytes, want int
		short, card           bool
	}{
		{DefaultRules(X), 280, 0, 3 + 1 + 23 + 1 + 2 + 1 + 2, false, false},
		{DefaultRules(Mastodon), 500, 0, 3 + 1 + 23 + 1 + 1 + 1 + 1, false, false},
		{MastodonRules(1000, 30), 1000, 0, 3 + 1 + 30 + 1 + 1 + 1 + 1, false, false},
		{DefaultRules(Bluesky), 300, 3000, 3 + 1 + 38 + 1 + 1 + 1 + 1, true, true},
	}
	for _, tt := range tests {
		r := tt.rules
		if r.Limit != tt.limit || r.MaxBytes != tt.maxBytes || r.ShortLinks != tt.short || r.Card != tt.card {
			t.Errorf("%s: rules %+v", r.Network, r)
		}
		if got := r.Count(text); got != tt.want {
			t.Errorf("%s (limit %d): count %d, want %d", r.Network, r.Limit, got, tt.want)
		}
	}
}
