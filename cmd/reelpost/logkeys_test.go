package main

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/store"
)

// TestLogItemKeyIsTheLedgerKey: across a poll and a post, every item_key
// in reelpost's JSON log is the key of an item in the ledger (what status,
// repost and the ledger name it by), never a delivery's idempotency key, a
// GUID or a link under the same name; and the poll, the ledger and the
// post each log it.
func TestLogItemKeyIsTheLedgerKey(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.env["LOG_FORMAT"] = "json"
	w.env["LOG_LEVEL"] = "debug"
	var logs strings.Builder
	runLogged := func(args ...string) {
		_, errs, err := w.run(args...)
		if err != nil {
			t.Fatalf("reelpost %s: %v\n%s", strings.Join(args, " "), err, errs)
		}
		logs.WriteString(errs)
	}
	runLogged("once") // first sight
	w.feed.add(testReviews(2, 2)...)
	runLogged("once") // two new reviews posted on three networks
	if got := w.posts(); got != [3]int{2, 2, 2} {
		t.Fatalf("posts = %v, want 2 per network", got)
	}

	st := openLedger(t, w.env["DATABASE_URL"])
	ds, err := st.Deliveries(context.Background(), store.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, d := range ds {
		keys[d.Item.Key] = true
	}
	logged := map[string]int{} // message -> lines with an item_key
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("a log line that is not JSON: %v: %s", err, sc.Text())
		}
		v, ok := rec["item_key"]
		if !ok {
			continue
		}
		if k, _ := v.(string); !keys[k] {
			t.Errorf("item_key %v is no item's ledger key (items: %v): %s", v, keys, sc.Text())
		}
		logged[rec["msg"].(string)]++
	}
	for _, msg := range []string{"item recorded", "new item", "posted"} {
		if logged[msg] == 0 {
			t.Errorf("no %q line with an item_key; lines with one: %v", msg, logged)
		}
	}
}
