package recorder

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestFaultQueues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		queue func(c *Recorder[int])
		takes []string // routes taken from, in order
		want  []Fault
	}{
		{name: "request faults in order", queue: func(c *Recorder[int]) {
			c.FailNext(Fault500, 1)
			c.FailNext(Fault429, 2)
		}, takes: []string{RequestRoute, RequestRoute, RequestRoute, RequestRoute},
			want: []Fault{Fault500, Fault429, Fault429, 0}},
		{name: "after-commit waits for a commit", queue: func(c *Recorder[int]) {
			c.FailNext(FaultAfterCommit, 1)
			c.FailNext(FaultReset, 1)
		}, takes: []string{RequestRoute, RequestRoute, CommitRoute, CommitRoute},
			want: []Fault{FaultReset, 0, FaultAfterCommit, 0}},
		{name: "a fault for any route hits the first", queue: func(c *Recorder[int]) {
			c.Queue("createRecord", FaultAfterCommitHang, 1)
			c.Queue("", FaultHang, 1)
		}, takes: []string{"getRecord", "createRecord", "createRecord"},
			want: []Fault{FaultHang, FaultAfterCommitHang, 0}},
		{name: "nothing queued for no requests", queue: func(c *Recorder[int]) {
			c.FailNext(Fault503, 0)
		}, takes: []string{RequestRoute}, want: []Fault{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := New[int]()
			tt.queue(c)
			for i, route := range tt.takes {
				if got := c.Take(route); got != tt.want[i] {
					t.Errorf("take %d from %q = %v, want %v", i+1, route, got, tt.want[i])
				}
			}
		})
	}
}

func TestReceivedWakesOnTheNthRequest(t *testing.T) {
	t.Parallel()
	c := New[string]()
	second := c.Received(2)
	c.Record("a")
	select {
	case <-second:
		t.Fatal("Received(2) fired after one request")
	default:
	}
	if f := c.RecordAndTake("b", RequestRoute); f != 0 {
		t.Errorf("RecordAndTake with nothing queued = %v, want none", f)
	}
	<-second // a test that hangs here has failed
	<-c.Received(1)
	if got := c.Requests(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("Requests() = %q, want [a b]", got)
	}
}

func TestHandlerHangsUntilClose(t *testing.T) {
	t.Parallel()
	c := New[Request]()
	answer := func(w http.ResponseWriter, f Fault) bool {
		if f != Fault500 {
			return false
		}
		WriteJSON(w, http.StatusInternalServerError, map[string]string{"error": "boom"})
		return true
	}
	next := func(w http.ResponseWriter, r *http.Request, body []byte) { WriteJSON(w, http.StatusOK, string(body)) }
	base := c.Serve(t, Handler(c, answer, next))
	c.FailNext(Fault500, 1)
	c.FailNext(FaultHang, 1)

	status := func() int {
		resp, err := http.Get(base + "/x")
		if err != nil {
			return 0
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if got := status(); got != http.StatusInternalServerError {
		t.Errorf("first request: status %d, want 500", got)
	}
	hung := make(chan int)
	go func() { hung <- status() }()
	<-c.Received(2)
	c.Close()
	<-hung // Close released the hung request
	if got := c.Requests(); len(got) != 2 || got[0].Path != "/x" {
		t.Errorf("Requests() = %+v, want two to /x", got)
	}
}

func TestResetSendsNoAnswer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { Reset(w) }))
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("a reset connection answered %d", resp.StatusCode)
	}
}
