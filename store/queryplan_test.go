package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder keeps the statements a store runs while it is on.
type recorder struct {
	mu    sync.Mutex
	on    bool
	stmts []statement
}

type statement struct {
	query string
	args  []any
}

func (r *recorder) note(query string, args []driver.NamedValue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.on {
		return
	}
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	r.stmts = append(r.stmts, statement{query, vals})
}

func (r *recorder) set(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = on
}

// recDriver wraps a driver so that every statement its connections run is
// noted, then run as it would have been.
type recDriver struct {
	driver.Driver
	rec *recorder
}

func (d recDriver) Open(name string) (driver.Conn, error) {
	c, err := d.Driver.Open(name)
	if err != nil {
		return nil, err
	}
	return recConn{c, d.rec}, nil
}

type recConn struct {
	driver.Conn
	rec *recorder
}

func (c recConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.rec.note(q, args)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (c recConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.rec.note(q, args)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (c recConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return recStmt{st, q, c.rec}, nil
}

// recStmt is a prepared statement (Store.prepared) noted each time it runs.
type recStmt struct {
	driver.Stmt
	query string
	rec   *recorder
}

func (s recStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.rec.note(s.query, args)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s recStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.rec.note(s.query, args)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

func (c recConn) BeginTx(ctx context.Context, o driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, o)
}

func (c recConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c recConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c recConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// pollAndPost runs, on a grown ledger, the ledger calls of polls and posts:
// a feed read and saved, a poll with nothing new, one with a new item, a
// changed one, a renamed one, an alias and a waiting item opened, claims
// (paced or not, for some accounts or all) and every outcome.
func pollAndPost(t *testing.T, s *Store, clk *clock) {
	t.Helper()
	ctx := context.Background()
	const feedURL = "https://fill7.example/feed/"
	known := func(k int) NewItem {
		link := fmt.Sprintf("https://fill.example/reviews/%d", k)
		guid := fmt.Sprintf("https://fill.example/?p=%d", k)
		return NewItem{FeedURL: feedURL, Key: guid, GUID: guid, NormLink: link, Title: fmt.Sprintf("Review %d", k),
			Published: clk.Now(), Payload: []byte(`{}`), State: Skipped}
	}
	items := []NewItem{known(7), known(107), known(207)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f, _, err := s.Feed(ctx, feedURL)
	must(err)
	f.URL, f.LastPoll = feedURL, clk.Now()
	must(s.SaveFeed(ctx, f))
	_, err = s.RecordItems(ctx, feedURL, items, threeAccounts) // content changed
	must(err)
	_, err = s.RecordItems(ctx, feedURL, items, threeAccounts) // unchanged: reads only
	must(err)

	items[1].Key, items[1].GUID = "post-107", "post-107"                 // renamed
	items[2].Payload = []byte(`{"title":"edited"}`)                      // changed
	news := review(feedURL, "news", "news", "https://fill.example/news") // new
	alias := known(8)                                                    // another feed's review
	alias.Key = "elsewhere-8"
	waiting := review(feedURL, "waiting", "waiting", "https://fill.example/waiting")
	_, err = s.Record(ctx, Batch{FeedURL: feedURL, Items: append(items, news, alias, waiting), Accounts: threeAccounts,
		Plan: func(_ Sight, found []Found) []Decision {
			ds := make([]Decision, len(found))
			ds[len(ds)-1].Wait = true
			for i := range ds[:len(ds)-1] {
				ds[i].State = Pending
			}
			return ds
		}})
	must(err)
	waiting.Payload = []byte(`{"title":"a review now"}`)
	_, err = s.Record(ctx, Batch{FeedURL: feedURL, Items: []NewItem{waiting}, Accounts: threeAccounts,
		Plan: func(Sight, []Found) []Decision { return []Decision{{Plan: Plan{State: Pending}}} }})
	must(err)
	_, _, err = s.RecordFirstSight(ctx, "https://fill9.example/feed/", []NewItem{known(9)}, threeAccounts)
	must(err)

	clk.Advance(time.Minute) // past the spacing of the filled posts
	ds, err := s.Claim(ctx, ClaimOptions{Owner: "a", Lease: time.Minute, Limit: 4, Accounts: threeAccounts[:2]})
	must(err)
	more, err := s.Claim(ctx, ClaimOptions{Owner: "a", Lease: time.Minute, Limit: 4, Spacing: time.Second})
	must(err)
	ds = append(ds, more...)
	if len(ds) < 5 {
		t.Fatalf("claimed %d deliveries, want at least 5", len(ds))
	}
	must(s.Extend(ctx, ds[0].ID, "a", time.Minute))
	must(s.MarkPosted(ctx, ds[0].ID, "a", "1", "https://masto.example/1"))
	must(s.MarkRetry(ctx, ds[1].ID, "a", clk.Now(), "500"))
	must(s.MarkUnknown(ctx, ds[2].ID, "a", clk.Now(), "timeout"))
	must(s.MarkWait(ctx, ds[3].ID, "a", clk.Now(), "429", NotSent))
	must(s.MarkFailed(ctx, ds[4].ID, "a", "400", NotSent))
	_, err = s.ClaimIDs(ctx, ClaimOptions{Owner: "b", Lease: time.Minute}, []int64{ds[1].ID})
	must(err)
	_, err = s.Release(ctx, "b")
	must(err)
	// An account rate-limited: claims while its window is open, then its probe.
	clk.Advance(time.Minute)
	lim, err := s.Claim(ctx, ClaimOptions{Owner: "d", Lease: time.Minute, Limit: 1})
	must(err)
	if len(lim) != 1 {
		t.Fatalf("claimed %d deliveries to rate-limit, want 1", len(lim))
	}
	must(s.MarkLimited(ctx, lim[0].ID, "d", clk.Now().Add(time.Minute), "429", NotSent))
	_, err = s.Claim(ctx, ClaimOptions{Owner: "c", Lease: time.Minute, Accounts: threeAccounts}) // due: none or few
	must(err)
	clk.Advance(time.Minute)
	probe, err := s.Claim(ctx, ClaimOptions{Owner: "d", Lease: time.Minute})
	must(err)
	for _, d := range probe {
		must(s.MarkPosted(ctx, d.ID, "d", "2", "https://masto.example/2"))
	}
}

// sqlitePlanLine is one step of an SQLite plan: SCAN or SEARCH, the table
// (or its alias), the index and the index's constraints.
var sqlitePlanLine = regexp.MustCompile(`^\s*(SCAN|SEARCH) (\w+)(?: USING (?:COVERING )?INDEX (\w+))?(?: \((.*)\))?`)

// pgPlanNode is a scan node of a PostgreSQL plan: its kind, its index and
// its table (a Bitmap Index Scan names only its index).
var pgPlanNode = regexp.MustCompile(`(Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)?(?: using (\w+))? on (\w+)`)

// pgFeedOnly is an index condition on the feed or the account alone.
var pgFeedOnly = regexp.MustCompile(`^Index Cond: \((?:\w+\.)?(feed_url|account) = [^()]*\)$`)

// grows names the tables (and the aliases the store's queries give them)
// whose size grows with the ledger's age.
var grows = map[string]bool{"feed_items": true, "f": true, "o": true, "deliveries": true, "d": true}

// index is what fullScan needs to know of an index.
type index struct {
	table string
	// bounded: a partial index of the deliveries being posted, which holds
	// at most the posts in flight.
	bounded bool
}

// fullScan returns the step of plan that reads a growing table whole, or
// "". On SQLite: a SCAN (of the table or of a whole index), or a SEARCH by
// feed_url or account alone, which reads a feed's or an account's whole
// history. On PostgreSQL: a Seq Scan, an index scan without an index
// condition, or one whose only condition is the feed or the account. A
// scan of a bounded index is no full scan.
func fullScan(plan string, idx map[string]index) string {
	lines := strings.Split(plan, "\n")
	for i, line := range lines {
		if m := sqlitePlanLine.FindStringSubmatch(line); m != nil && grows[m[2]] {
			switch {
			case m[1] == "SCAN" && !idx[m[3]].bounded:
				return line
			case m[1] == "SEARCH" && (m[4] == "feed_url=?" || m[4] == "account=?"):
				return line
			}
			continue
		}
		m := pgPlanNode.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		kind, name, table := m[1], m[2], m[3]
		if kind == "Bitmap Index Scan" {
			name, table = table, idx[table].table
		}
		if !grows[table] {
			continue
		}
		if kind == "Seq Scan" {
			return line
		}
		cond := ""
		for _, next := range lines[i+1:] {
			next = strings.TrimSpace(next)
			if strings.HasPrefix(next, "->") || pgPlanNode.MatchString(next) {
				break
			}
			if strings.HasPrefix(next, "Index Cond:") {
				cond = next
			}
		}
		if cond == "" && !idx[name].bounded || pgFeedOnly.MatchString(cond) {
			return line + " " + cond
		}
	}
	return ""
}

// TestPerPollQueriesUseIndexes runs a poll's and a post's worth of ledger
// calls on a ledger of 20,000 reviews and asks the database for the plan
// of every statement they ran: none may read all of feed_items or
// deliveries, whose size grows with the ledger's age. SQLite is asked as
// it runs in production, without ANALYZE statistics; PostgreSQL with them,
// as autovacuum keeps a grown ledger (fillLedger runs ANALYZE). 20,000
// rows and statistics are enough for PostgreSQL to choose the plans it
// would on a large ledger, so enable_seqscan stays on.
func TestPerPollQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	newDSN := map[string]func(t *testing.T) string{
		DialectSQLite:   func(t *testing.T) string { return filepath.Join(t.TempDir(), "ledger.db") },
		DialectPostgres: func(t *testing.T) string { return freshSchema(t, postgresURL(t)) },
	}
	for _, dialect := range []string{DialectSQLite, DialectPostgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			rec := &recorder{}
			clk := newClock()
			s, err := Open(ctx, newDSN[dialect](t), Options{Now: clk.Now,
				wrap: func(d driver.Driver) driver.Driver { return recDriver{d, rec} }})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			fillLedger(t, s, 20_000)
			rec.set(true)
			pollAndPost(t, s, clk)
			rec.set(false)

			explain := "EXPLAIN QUERY PLAN "
			if dialect == DialectPostgres {
				explain = "EXPLAIN "
			}
			idx, err := indexes(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, st := range rec.stmts {
				if seen[st.query] {
					continue
				}
				seen[st.query] = true
				plan, err := planOf(ctx, s, explain+st.query, st.args)
				if err != nil {
					t.Errorf("explain %s: %v", oneLine(st.query), err)
					continue
				}
				if step := fullScan(plan, idx); step != "" {
					t.Errorf("a full scan (%s) in\n  %s\nplan:\n%s", strings.TrimSpace(step), oneLine(st.query), plan)
				} else if testing.Verbose() {
					t.Logf("%s\n%s", oneLine(st.query), plan)
				}
			}
			if len(seen) < 20 {
				t.Errorf("only %d statements recorded: the recorder missed some", len(seen))
			}
		})
	}
}

// indexes describes the ledger's indexes.
func indexes(ctx context.Context, s *Store) (map[string]index, error) {
	q := `SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`
	if s.dialect == DialectPostgres {
		q = `SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()`
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]index{}
	for rows.Next() {
		var name, table, def string
		if err := rows.Scan(&name, &table, &def); err != nil {
			return nil, err
		}
		out[name] = index{table: table, bounded: strings.Contains(def, "state = 'posting'")}
	}
	return out, rows.Err()
}

// planOf returns the plan's lines, indented by depth on SQLite.
func planOf(ctx context.Context, s *Store, query string, args []any) (string, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for rows.Next() {
		if len(cols) == 1 { // PostgreSQL: one line of text per row
			var line string
			if err := rows.Scan(&line); err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "    %s\n", line)
			continue
		}
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "    %s\n", detail)
	}
	return b.String(), rows.Err()
}

func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }
