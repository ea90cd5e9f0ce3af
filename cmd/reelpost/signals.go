package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// stopSignals end a command the graceful way: SIGHUP too, which a closed
// terminal or a supervisor sends, and which would otherwise kill the daemon
// mid-post (the post made, its record lost: a lookup, or with X a refused
// repeat, on the next start). A signal the process was started ignoring
// (SIGHUP under nohup) stays ignored: Notify would handle it again.
func stopSignals() []os.Signal {
	var sigs []os.Signal
	for _, s := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	return sigs
}

// exitAborted is the exit code of a second stop signal during the drain.
const exitAborted = 130

// notifyContext is signal.NotifyContext over stopSignals, except that a
// second signal, while the first one's graceful stop is still under way (in-
// flight posts finishing, at most 30 s), ends the process at once
// with exitAborted: an operator who presses ^C twice means it. stop undoes
// the signal handling.
func notifyContext(parent context.Context, stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, stopSignals()...)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case sig := <-sigs:
			fmt.Fprintf(stderr, "reelpost: %v while stopping: exiting at once; the posts in flight are looked for at the next start\n", sig)
			os.Exit(exitAborted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		<-finished
		cancel()
	}
}
