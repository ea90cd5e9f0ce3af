package main

import (
	"fmt"
	"io"
	"time"

	"github.com/reelpost/reelpost/publisher/preview"
	"github.com/reelpost/reelpost/review"
)

// printPosts writes dry-run posts for a person; a zero due is left out.
func printPosts(w io.Writer, rv review.Review, posts []preview.Post, due time.Time) {
	fmt.Fprintf(w, "=== dry run: %q (%s)", rv.Title, rv.Link)
	if !due.IsZero() {
		fmt.Fprintf(w, ", due %s", due.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(w)
	for _, dp := range posts {
		if dp.Err != nil {
			fmt.Fprintf(w, "--- %s: cannot render: %v\n", dp.Target.Account, dp.Err)
			continue
		}
		fmt.Fprintf(w, "--- %s [%s] %d/%d\n%s\n", dp.Target.Account, dp.Target.Network, dp.Post.Length, dp.Post.Limit, dp.Post.Text)
	}
}
