// Command fakeserver serves the recording Mastodon fake (internal/fakes/
// mastodonfake) on 127.0.0.1 outside a Go test, for the container smoke test
// (.ci/container-smoke): reelpost in the container posts to it over the host
// network, and when the smoke test stops it (SIGTERM or SIGINT) it prints
// every status it accepted, so the test can count them.
//
// Output, on stdout: first the line "url BASE_URL" once it listens, then at
// the end one line "status JSON" per accepted status, oldest first, and
// "requests N" with the number of requests it got.
//
//	fakeserver -token TOKEN
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
)

func main() {
	token := flag.String("token", "", "the access token the fake accepts (required)")
	username := flag.String("username", "films", "the fake account's username")
	ignoreIdem := flag.Bool("ignore-idempotency", false, "ignore Idempotency-Key, as GoToSocial does")
	flag.Parse()
	if *token == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	t := &programTB{}
	srv := mastodonfake.New(t, mastodonfake.Options{AccessToken: *token, Username: *username, IgnoreIdempotency: *ignoreIdem})
	fmt.Printf("url %s\n", srv.URL)

	<-ctx.Done()
	t.cleanup()

	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	for _, st := range srv.Statuses() {
		fmt.Print("status ")
		if err := enc.Encode(map[string]string{
			"id": st.ID, "text": st.Text, "visibility": st.Visibility,
			"language": st.Language, "idempotency_key": st.IdempotencyKey,
		}); err != nil {
			fmt.Fprintln(os.Stderr, "fakeserver:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("requests %d\n", len(srv.Requests()))
}

// programTB lets a program use the fakes, whose constructors take the
// testing.TB of the test they serve but only call its Helper and Cleanup.
// testing.TB cannot be implemented outside package testing (it has an
// unexported method), so the interface is embedded and left nil: a fake that
// starts calling another method panics here, loudly, instead of misbehaving.
type programTB struct {
	testing.TB
	cleanups []func()
}

func (*programTB) Helper() {}

func (t *programTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

// cleanup runs the registered functions last first, as package testing does.
func (t *programTB) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	t.cleanups = nil
}
