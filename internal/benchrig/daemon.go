package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// stopTimeout is how long a daemon gets to exit after SIGTERM before it is
// killed: reelpost itself waits at most 30 s for in-flight posts.
const stopTimeout = 45 * time.Second

// buildArgs (with CGO_ENABLED=0) build reelpost as the Dockerfile does:
// static, stripped, trimmed paths, embedded time zones. The binary's size
// shows in RSS as mapped code pages, so the benchmark measures the binary
// that ships.
var buildArgs = []string{"build", "-trimpath", "-tags", "timetzdata", "-ldflags=-s -w"}

// buildDaemon builds ./cmd/reelpost of the module the rig runs in into dir.
func buildDaemon(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module: run benchrig from the reelpost repository")
	}
	bin := filepath.Join(dir, "reelpost")
	args := append(append([]string(nil), buildArgs...), "-o", bin, "./cmd/reelpost")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = filepath.Dir(gomod)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("CGO_ENABLED=0 go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return bin, nil
}

// daemon is one `reelpost run` process.
type daemon struct {
	cmd     *exec.Cmd
	addr    string // HTTP_ADDR, host:port
	logPath string
	logFile *os.File
	exited  chan struct{}
	waitErr error // set before exited is closed
	client  *http.Client
	stopped bool
}

// diedError is a daemon that exited while the rig still needed it.
type diedError struct {
	err  error
	tail string
}

func (e *diedError) Error() string {
	return fmt.Sprintf("reelpost exited during the scenario (%v); last log lines:\n%s", e.err, e.tail)
}

// startDaemon runs `bin run` in dir with env (and nothing of the rig's own
// environment but PATH), its output in dir/reelpost.log.
func startDaemon(bin, dir string, env map[string]string) (*daemon, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "reelpost.log")
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create daemon log: %w", err)
	}
	cmd := exec.Command(bin, "run")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir, "HTTP_ADDR=" + addr}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		_ = lf.Close()
		return nil, fmt.Errorf("start reelpost: %w", err)
	}
	d := &daemon{cmd: cmd, addr: addr, logPath: logPath, logFile: lf, exited: make(chan struct{}),
		client: &http.Client{Timeout: 10 * time.Second}}
	go func() {
		d.waitErr = cmd.Wait()
		close(d.exited)
	}()
	return d, nil
}

func (d *daemon) pid() int { return d.cmd.Process.Pid }

// died returns a *diedError when the daemon has exited, else nil.
func (d *daemon) died() error {
	select {
	case <-d.exited:
		return &diedError{err: exitText(d.waitErr), tail: d.tail(25)}
	default:
		return nil
	}
}

func exitText(err error) error {
	if err == nil {
		return errors.New("exit status 0")
	}
	return err
}

// stop sends SIGTERM and waits for the exit (killing after stopTimeout). It
// returns an error when reelpost did not exit 0 on SIGTERM, as it must.
func (d *daemon) stop() error {
	if d.stopped {
		return nil
	}
	d.stopped = true
	defer d.logFile.Close()
	select {
	case <-d.exited:
		return &diedError{err: exitText(d.waitErr), tail: d.tail(25)}
	default:
	}
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("SIGTERM reelpost (pid %d): %w", d.pid(), err)
	}
	t := time.NewTimer(stopTimeout)
	defer t.Stop()
	select {
	case <-d.exited:
	case <-t.C:
		_ = d.cmd.Process.Kill()
		<-d.exited
		return fmt.Errorf("reelpost (pid %d) still running %s after SIGTERM: killed", d.pid(), stopTimeout)
	}
	if d.waitErr != nil {
		return fmt.Errorf("reelpost (pid %d) after SIGTERM: %w; last log lines:\n%s", d.pid(), d.waitErr, d.tail(15))
	}
	return nil
}

// tail returns the last n lines of the daemon's log.
func (d *daemon) tail(n int) string {
	b, err := os.ReadFile(d.logPath)
	if err != nil {
		return "(log unreadable: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + strings.Join(lines, "\n  ")
}

// grepLog returns the log lines that contain every one of words.
func (d *daemon) grepLog(words ...string) []string {
	f, err := os.Open(d.logPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
next:
	for sc.Scan() {
		for _, w := range words {
			if !strings.Contains(sc.Text(), w) {
				continue next
			}
		}
		out = append(out, sc.Text())
	}
	return out
}

// logSummary counts the daemon's log lines by level and lists the distinct
// warning and error messages with how often each came.
type logSummary struct {
	lines  int
	levels map[string]int
	issues map[string]int // "LEVEL msg" -> count
	sample map[string]string
}

func (d *daemon) summarizeLog() logSummary {
	s := logSummary{levels: map[string]int{}, issues: map[string]int{}, sample: map[string]string{}}
	f, err := os.Open(d.logPath)
	if err != nil {
		return s
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		s.lines++
		var rec struct {
			Level string `json:"level"`
			Msg   string `json:"msg"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) != nil || rec.Level == "" {
			s.levels["(not json)"]++
			continue
		}
		s.levels[rec.Level]++
		if rec.Level == "WARN" || rec.Level == "ERROR" {
			k := rec.Level + " " + rec.Msg
			s.issues[k]++
			if _, ok := s.sample[k]; !ok {
				s.sample[k] = sc.Text()
			}
		}
	}
	return s
}

func (s logSummary) print(w io.Writer) {
	levels := make([]string, 0, len(s.levels))
	for l, n := range s.levels {
		levels = append(levels, fmt.Sprintf("%s=%d", l, n))
	}
	sort.Strings(levels)
	fmt.Fprintf(w, "daemon log: %d lines (%s)\n", s.lines, strings.Join(levels, " "))
	keys := make([]string, 0, len(s.issues))
	for k := range s.issues {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		line := s.sample[k]
		if len(line) > 400 {
			line = line[:400] + "..."
		}
		fmt.Fprintf(w, "  %dx %s\n     e.g. %s\n", s.issues[k], k, line)
	}
}

// metrics scrapes the daemon's /metrics.
func (d *daemon) metrics(ctx context.Context) (metricSet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+d.addr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scrape reelpost /metrics: %w", err)
	}
	defer resp.Body.Close()
	defer io.Copy(io.Discard, resp.Body) //nolint:errcheck // drain for reuse
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape reelpost /metrics: HTTP %d", resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("parse reelpost /metrics: %w", err)
	}
	return metricSet(fams), nil
}

// metricSet is one scrape.
type metricSet map[string]*dto.MetricFamily

// sum adds up the samples of a counter or gauge whose labels include every
// name=value pair in labels.
func (m metricSet) sum(name string, labels ...string) float64 {
	fam, ok := m[name]
	if !ok {
		return 0
	}
	total := 0.0
next:
	for _, mt := range fam.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range mt.GetLabel() {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case mt.Counter != nil:
			total += mt.GetCounter().GetValue()
		case mt.Gauge != nil:
			total += mt.GetGauge().GetValue()
		case mt.Untyped != nil:
			total += mt.GetUntyped().GetValue()
		}
	}
	return total
}

// byLabel returns a counter's values by one label.
func (m metricSet) byLabel(name, label string) map[string]float64 {
	out := map[string]float64{}
	fam, ok := m[name]
	if !ok {
		return out
	}
	for _, mt := range fam.GetMetric() {
		for _, lp := range mt.GetLabel() {
			if lp.GetName() == label {
				out[lp.GetValue()] += mt.GetCounter().GetValue() + mt.GetGauge().GetValue()
			}
		}
	}
	return out
}

// freeAddr picks a free loopback port. Another process could take it before
// reelpost listens; on a test machine that is rare, and reelpost then exits
// with a clear error.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

// trapProxy is set as HTTP_PROXY and HTTPS_PROXY for the daemon: Go sends
// no request for a loopback address through a proxy, so anything reaching
// the trap was meant for a host off this machine. The rig answers it 403
// and reports it: a benchmark must stay on 127.0.0.1.
type trapProxy struct {
	url string
	srv *http.Server
	mu  sync.Mutex
	n   int
	dst []string
}

func newTrapProxy() (*trapProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("trap proxy: listen: %w", err)
	}
	t := &trapProxy{url: "http://" + ln.Addr().String()}
	t.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.mu.Lock()
		t.n++
		if len(t.dst) < 10 {
			t.dst = append(t.dst, r.Method+" "+r.Host+r.URL.Path)
		}
		t.mu.Unlock()
		http.Error(w, "benchrig: no requests off 127.0.0.1", http.StatusForbidden)
	})}
	go func() { _ = t.srv.Serve(ln) }()
	return t, nil
}

func (t *trapProxy) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := t.srv.Shutdown(ctx); err != nil {
		_ = t.srv.Close()
	}
}

func (t *trapProxy) report() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == 0 {
		return "requests off loopback: 0"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "requests off loopback: %d (refused by the rig), e.g. %s", t.n, strings.Join(t.dst, ", "))
	return b.String()
}
