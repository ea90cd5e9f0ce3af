package preview_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/preview"
	"github.com/reelpost/reelpost/review"
)

// account is a publisher that only answers for its rules: preview never
// publishes.
type account struct {
	id       string
	network  publisher.Network
	rulesErr error
}

func (a account) ID() string                 { return a.id }
func (a account) Network() publisher.Network { return a.network }
func (a account) Rules(context.Context) (publisher.Rules, error) {
	if a.rulesErr != nil {
		return publisher.Rules{}, a.rulesErr
	}
	return publisher.DefaultRules(a.network), nil
}
func (a account) Publish(context.Context, publisher.Post) (publisher.Receipt, error) {
	return publisher.Receipt{}, errors.New("preview published a post")
}

func TestRender(t *testing.T) {
	t.Parallel()
	rd, err := publisher.NewRenderer(publisher.Templates{})
	if err != nil {
		t.Fatal(err)
	}
	rv := review.Review{Key: "her", Title: "Her", Link: "https://films.example/her/", IsReview: true,
		Summary: "It’s sweet, humorous and thought-provoking."}
	down := errors.New("instance down")
	tests := []struct {
		name string
		pubs []publisher.Publisher
		// want is "account [network]" per post, in order; a trailing "!"
		// marks a post that could not be rendered.
		want []string
	}{
		{
			name: "no account: every network with its default rules",
			want: []string{"x (default rules) [x]", "mastodon (default rules) [mastodon]", "bluesky (default rules) [bluesky]"},
		},
		{
			name: "configured accounts, in order",
			pubs: []publisher.Publisher{account{id: "bluesky:films", network: publisher.Bluesky}, account{id: "x:films", network: publisher.X}},
			want: []string{"bluesky:films [bluesky]", "x:films [x]"},
		},
		{
			name: "an account whose rules cannot be had does not hide the others",
			pubs: []publisher.Publisher{account{id: "mastodon:@films", network: publisher.Mastodon, rulesErr: down}, account{id: "x:films", network: publisher.X}},
			want: []string{"mastodon:@films [mastodon]!", "x:films [x]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			posts := preview.Render(context.Background(), rd, tt.pubs, rv, publisher.RenderOptions{})
			var got []string
			for _, p := range posts {
				s := p.Target.Account + " [" + string(p.Target.Network) + "]"
				if p.Err != nil {
					if !errors.Is(p.Err, down) || !strings.Contains(p.Err.Error(), p.Target.Account) {
						t.Errorf("error for %s = %v, want the rules' error naming the account", p.Target.Account, p.Err)
					}
					s += "!"
				} else if !strings.Contains(p.Post.Text, "Her") || p.Post.Length == 0 || p.Post.Length > p.Post.Limit {
					t.Errorf("post for %s = %q (%d/%d), want the review's title within the limit", p.Target.Account, p.Post.Text, p.Post.Length, p.Post.Limit)
				}
				got = append(got, s)
			}
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Errorf("posts for\n  %s\nwant\n  %s", strings.Join(got, ", "), strings.Join(tt.want, ", "))
			}
		})
	}
}
