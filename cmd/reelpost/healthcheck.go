package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

const healthcheckSummary = `Ask the local daemon's /healthz (on HTTP_ADDR's port, at 127.0.0.1 unless
HTTP_ADDR names a host) and exit 0 when it answers 200, 1 otherwise. For the
container's HEALTHCHECK: the image has no curl.`

func cmdHealthcheck(ctx context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "healthcheck", "", healthcheckSummary)
	timeout := fs.Duration("timeout", 5*time.Second, "time allowed for the answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	url, err := healthURL(cfg.HTTPAddr)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("healthcheck %s: %w", url, err)}
	}
	// A client of its own, no proxy: the daemon is local.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: *timeout}
	resp, err := client.Do(req)
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("healthcheck %s: %w", url, err)}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return &exitError{code: exitFailure, err: fmt.Errorf("healthcheck %s: HTTP %d", url, resp.StatusCode)}
	}
	fmt.Fprintln(e.Stdout, "ok")
	return nil
}

// healthURL is /healthz on HTTP_ADDR: its host when it names one, else
// 127.0.0.1 (the daemon listens on every interface).
func healthURL(addr string) (string, error) {
	if addr == "" {
		return "", errors.New("HTTP_ADDR is empty: the daemon serves no /healthz to check")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("HTTP_ADDR: %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
