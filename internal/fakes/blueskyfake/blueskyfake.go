// Package blueskyfake is a recording stand-in for a Bluesky PDS (the AT
// Protocol XRPC endpoints reelpost uses), on 127.0.0.1, for tests. It checks
// requests the way a real PDS does (session tokens, login rate limit, record
// validation) and can be told to fail.
//
// Behaviour and error bodies follow these documents:
//   - createSession / refreshSession / getSession:
//     https://docs.bsky.app/docs/api/com-atproto-server-create-session,
//     https://docs.bsky.app/docs/api/com-atproto-server-refresh-session
//     (refresh requires the refreshJwt, not the accessJwt; 400 ExpiredToken /
//     InvalidToken).
//   - an expired access token answers 400 {"error":"ExpiredToken","message":
//     "Token has expired"}, as reported in
//     https://github.com/Preloading/TwitterAPIBridge/issues/2 and
//     https://github.com/MarshalX/atproto/issues/514.
//   - createRecord / getRecord (RecordNotFound):
//     https://github.com/bluesky-social/atproto/blob/main/lexicons/com/atproto/repo/createRecord.json,
//     https://github.com/bluesky-social/atproto/blob/main/lexicons/com/atproto/repo/getRecord.json.
//     A second createRecord with an existing rkey answers HTTP 500 (tried on
//     @atproto/pds 0.5), and facet offsets are not checked.
//   - uploadBlob and the blob reference shape {"$type":"blob","ref":{"$link":
//     cid},"mimeType","size"}: https://atproto.com/guides/images-and-video,
//     https://docs.bsky.app/docs/api/com-atproto-repo-upload-blob.
//   - app.bsky.feed.post (text maxGraphemes 300, maxLength 3000) and
//     app.bsky.embed.external (thumb: image/*, maxSize 1000000):
//     https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/post.json,
//     https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/external.json.
//   - record keys and TIDs: https://atproto.com/specs/record-key,
//     https://atproto.com/specs/tid (13 chars of base32-sortable, first char
//     in 234567abcdefghij).
//   - rate limits: createSession 30/5 min and 300/day per account, 429 with
//     ratelimit-limit/-remaining/-reset (Unix seconds)/-policy headers:
//     https://docs.bsky.app/docs/advanced-guides/rate-limits,
//     https://github.com/MarshalX/atproto/issues/158 (real headers).
package blueskyfake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rivo/uniseg"

	"github.com/reelpost/reelpost/internal/fakes/recorder"
)

// Account is the one account the fake PDS hosts.
type Account struct {
	Handle      string
	DID         string
	AppPassword string
}

// Fault is a failure the fake can be told to produce.
type Fault = recorder.Fault

// The faults, and the PDS's answers to them: Fault429 is a 429
// RateLimitExceeded with the real ratelimit-* headers, Fault500 a 500
// InternalServerError, Fault503 a 503 with Retry-After; FaultHang never
// answers, FaultReset resets the connection. FaultAfterCommit applies to
// createRecord only: the record is written, then the connection is reset, so
// the client never learns the outcome; FaultAfterCommitHang hangs instead.
const (
	Fault429, Fault500, Fault503, FaultHang, FaultReset = recorder.Fault429, recorder.Fault500,
		recorder.Fault503, recorder.FaultHang, recorder.FaultReset
	FaultAfterCommit, FaultAfterCommitHang = recorder.FaultAfterCommit, recorder.FaultAfterCommitHang
)

// NSIDs of the methods the fake serves.
const (
	CreateSession  = "com.atproto.server.createSession"
	RefreshSession = "com.atproto.server.refreshSession"
	GetSession     = "com.atproto.server.getSession"
	CreateRecord   = "com.atproto.repo.createRecord"
	GetRecord      = "com.atproto.repo.getRecord"
	UploadBlob     = "com.atproto.repo.uploadBlob"
	PostCollection = "app.bsky.feed.post"
)

// Limits a PDS enforces (see the package comment for sources).
const (
	MaxGraphemes   = 300
	MaxTextBytes   = 3000
	MaxThumbBytes  = 1_000_000
	LoginsPer5Min  = 30
	LoginsPerDay   = 300
	maxRequestBody = 2 << 20
)

// Request is one request the fake received.
type Request struct {
	Method string
	// NSID is the XRPC method, e.g. "com.atproto.repo.createRecord".
	NSID  string
	Query string
	// Token says which credential came with it: "access", "refresh",
	// "expired", "invalid" or "" (none).
	Token       string
	ContentType string
	Body        []byte
	// Status is what the fake answered (0 for a reset or hang).
	Status int
}

// Record is a post written to the fake repo.
type Record struct {
	RKey      string
	URI       string
	CID       string
	Text      string
	Facets    []Facet
	Embed     *Embed
	CreatedAt string
	Langs     []string
	// Value is the record as sent.
	Value json.RawMessage
}

// Facet is app.bsky.richtext.facet.
type Facet struct {
	Index    ByteSlice `json:"index"`
	Features []Feature `json:"features"`
}

// ByteSlice is app.bsky.richtext.facet#byteSlice.
type ByteSlice struct {
	ByteStart int `json:"byteStart"`
	ByteEnd   int `json:"byteEnd"`
}

// Feature is one facet feature (#link, #tag or #mention).
type Feature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	Tag  string `json:"tag,omitempty"`
	DID  string `json:"did,omitempty"`
}

// Embed is the embed of a post; only app.bsky.embed.external is understood.
type Embed struct {
	Type     string    `json:"$type"`
	External *External `json:"external,omitempty"`
}

// External is app.bsky.embed.external#external.
type External struct {
	URI         string `json:"uri"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Thumb       *Blob  `json:"thumb,omitempty"`
}

// Blob is a blob reference.
type Blob struct {
	Type     string  `json:"$type"`
	Ref      BlobRef `json:"ref"`
	MimeType string  `json:"mimeType"`
	Size     int64   `json:"size"`
}

// BlobRef is the CID link of a blob.
type BlobRef struct {
	Link string `json:"$link"`
}

type tokenKind int

const (
	accessToken tokenKind = iota + 1
	refreshToken
)

type token struct {
	kind    tokenKind
	expires time.Time // zero: never
	revoked bool
	expired bool
}

// Server is the fake PDS.
type Server struct {
	t    testing.TB
	acct Account
	rec  *recorder.Recorder[Request]

	mu        sync.Mutex
	now       func() time.Time
	accessTTL time.Duration
	tokens    map[string]*token
	logins    []time.Time // every createSession attempt, for the rate limit
	nLogins   int         // successful logins
	nRefresh  int         // successful refreshes
	records   map[string]Record
	order     []string
	blobs     map[string]Blob
}

// New starts a fake PDS for acct on 127.0.0.1; it stops when the test ends.
func New(t testing.TB, acct Account) *Server {
	t.Helper()
	if acct.Handle == "" {
		acct.Handle = "films.test"
	}
	if acct.DID == "" {
		acct.DID = "did:plc:fakefilms"
	}
	s := &Server{
		t:         t,
		acct:      acct,
		rec:       recorder.New[Request](),
		now:       time.Now,
		accessTTL: 2 * time.Hour, // bsky.social access tokens live 2 hours
		tokens:    map[string]*token{},
		records:   map[string]Record{},
		blobs:     map[string]Blob{},
	}
	s.rec.Serve(t, s.serve)
	return s
}

// URL is the PDS base URL (no trailing slash).
func (s *Server) URL() string { return s.rec.ServerURL() }

// SetNow replaces the fake's clock (token expiry, rate-limit windows).
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetAccessTTL makes access tokens issued from now on expire after d.
func (s *Server) SetAccessTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessTTL = d
}

// ExpireTokens expires every access token issued so far: the next request
// with one gets 400 ExpiredToken. Refresh tokens stay valid.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tk := range s.tokens {
		if tk.kind == accessToken {
			tk.expired = true
		}
	}
}

// ExpireSessions expires every access and refresh token issued so far, so
// that only a new login helps.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tk := range s.tokens {
		tk.expired = true
	}
}

// FailNext makes the next n requests fail with f. FaultAfterCommit and
// FaultAfterCommitHang apply to the next n createRecord calls only.
func (s *Server) FailNext(f Fault, n int) {
	nsid := ""
	if f == FaultAfterCommit || f == FaultAfterCommitHang {
		nsid = CreateRecord
	}
	s.FailNextOn(nsid, f, n)
}

// FailNextOn makes the next n calls of the XRPC method nsid fail with f.
func (s *Server) FailNextOn(nsid string, f Fault, n int) { s.rec.Queue(nsid, f, n) }

// Posts returns the records written, oldest first.
func (s *Server) Posts() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Record, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, s.records[k])
	}
	return out
}

// Requests returns every request received, oldest first.
func (s *Server) Requests() []Request { return s.rec.Requests() }

// Logins counts successful createSession calls.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nLogins
}

// Refreshes counts successful refreshSession calls.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nRefresh
}

// xrpcError is the XRPC error body.
type xrpcError struct {
	Error   string `json:"error"`
	Message string `json:"message,omitempty"`
}

type reply struct {
	status int
	header http.Header
	body   any
}

func errReply(status int, name, msg string) reply {
	return reply{status: status, body: xrpcError{Error: name, Message: msg}}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	nsid, ok := strings.CutPrefix(r.URL.Path, "/xrpc/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		s.rec.Record(Request{Method: r.Method, NSID: nsid, Query: r.URL.RawQuery, Status: http.StatusRequestEntityTooLarge})
		writeReply(w, errReply(http.StatusRequestEntityTooLarge, "PayloadTooLarge", "request entity too large"))
		return
	}
	s.mu.Lock()
	req := Request{Method: r.Method, NSID: nsid, Query: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type"), Body: body}
	tok, tk := bearer(r), (*token)(nil)
	if tok != "" {
		tk = s.tokens[tok]
		req.Token = s.describe(tk)
	}
	f := s.rec.Take(nsid)
	var rep reply
	switch f {
	case 0, FaultAfterCommit, FaultAfterCommitHang:
		rep = s.handle(r, nsid, body, tk)
	case Fault429:
		rep = errReply(http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		rep.header = s.rateHeaders(3000, 0, s.now().Add(5*time.Minute), "3000;w=300")
	case Fault500:
		rep = errReply(http.StatusInternalServerError, "InternalServerError", "Internal Server Error")
	case Fault503:
		rep = errReply(http.StatusServiceUnavailable, "UpstreamFailure", "Service Unavailable")
		rep.header = http.Header{"Retry-After": {"30"}}
	}
	if f == FaultHang || f == FaultReset || f == FaultAfterCommit || f == FaultAfterCommitHang {
		req.Status = 0
	} else {
		req.Status = rep.status
	}
	s.rec.Record(req)
	s.mu.Unlock()

	switch f {
	case FaultHang, FaultAfterCommitHang:
		s.rec.Hang(r)
		return
	case FaultReset, FaultAfterCommit:
		recorder.Reset(w)
		return
	}
	writeReply(w, rep)
}

func writeReply(w http.ResponseWriter, rep reply) {
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	recorder.WriteJSON(w, rep.status, rep.body)
}

func bearer(r *http.Request) string {
	v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return v
}

// describe names a token for Request.Token; s.mu held.
func (s *Server) describe(tk *token) string {
	switch {
	case tk == nil:
		return "invalid"
	case tk.revoked || tk.expired || !tk.expires.IsZero() && !s.now().Before(tk.expires):
		return "expired"
	case tk.kind == refreshToken:
		return "refresh"
	}
	return "access"
}

func (s *Server) rateHeaders(limit, remaining int, reset time.Time, policy string) http.Header {
	return http.Header{
		"Ratelimit-Limit":     {strconv.Itoa(limit)},
		"Ratelimit-Remaining": {strconv.Itoa(remaining)},
		"Ratelimit-Reset":     {strconv.FormatInt(reset.Unix(), 10)},
		"Ratelimit-Policy":    {policy},
	}
}

// handle serves one XRPC call; s.mu held.
func (s *Server) handle(r *http.Request, nsid string, body []byte, tk *token) reply {
	switch nsid {
	case CreateSession:
		if r.Method != http.MethodPost {
			return errReply(http.StatusMethodNotAllowed, "InvalidRequest", "Incorrect HTTP method (GET) expected POST")
		}
		return s.createSession(body)
	case RefreshSession:
		if r.Method != http.MethodPost {
			return errReply(http.StatusMethodNotAllowed, "InvalidRequest", "Incorrect HTTP method (GET) expected POST")
		}
		return s.refreshSession(r, tk)
	case GetSession, GetRecord, CreateRecord, UploadBlob:
	default:
		return errReply(http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented")
	}
	if rep, ok := s.checkAccess(r, tk); !ok {
		return rep
	}
	switch nsid {
	case GetSession:
		return reply{status: http.StatusOK, body: map[string]any{"handle": s.acct.Handle, "did": s.acct.DID, "active": true}}
	case GetRecord:
		return s.getRecord(r)
	case CreateRecord:
		if r.Method != http.MethodPost {
			return errReply(http.StatusMethodNotAllowed, "InvalidRequest", "Incorrect HTTP method (GET) expected POST")
		}
		return s.createRecord(body)
	default: // UploadBlob
		if r.Method != http.MethodPost {
			return errReply(http.StatusMethodNotAllowed, "InvalidRequest", "Incorrect HTTP method (GET) expected POST")
		}
		return s.uploadBlob(r, body)
	}
}

// checkAccess requires a live access token, as the PDS auth verifier does:
// none is 401 AuthenticationRequired; expired 400 ExpiredToken; a refresh
// token or an unknown one 400 InvalidToken.
func (s *Server) checkAccess(r *http.Request, tk *token) (reply, bool) {
	if bearer(r) == "" {
		return errReply(http.StatusUnauthorized, "AuthenticationRequired", "Authentication Required"), false
	}
	switch s.describe(tk) {
	case "invalid":
		return errReply(http.StatusBadRequest, "InvalidToken", "Token could not be verified"), false
	case "expired":
		return errReply(http.StatusBadRequest, "ExpiredToken", "Token has expired"), false
	case "refresh":
		return errReply(http.StatusBadRequest, "InvalidToken", "Invalid token type"), false
	}
	return reply{}, true
}

func (s *Server) newToken(kind tokenKind, ttl time.Duration) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	prefix := "access."
	if kind == refreshToken {
		prefix = "refresh."
	}
	tok := prefix + hex.EncodeToString(b)
	tk := &token{kind: kind}
	if ttl > 0 {
		tk.expires = s.now().Add(ttl)
	}
	s.tokens[tok] = tk
	return tok
}

func (s *Server) session() map[string]any {
	return map[string]any{
		"accessJwt":  s.newToken(accessToken, s.accessTTL),
		"refreshJwt": s.newToken(refreshToken, 0),
		"handle":     s.acct.Handle,
		"did":        s.acct.DID,
		"active":     true,
	}
}

func (s *Server) createSession(body []byte) reply {
	now := s.now()
	var in5, inDay int
	var oldest5, oldestDay time.Time
	for _, t := range s.logins {
		if now.Sub(t) < 5*time.Minute {
			if in5 == 0 {
				oldest5 = t
			}
			in5++
		}
		if now.Sub(t) < 24*time.Hour {
			if inDay == 0 {
				oldestDay = t
			}
			inDay++
		}
	}
	switch {
	case in5 >= LoginsPer5Min:
		rep := errReply(http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		rep.header = s.rateHeaders(LoginsPer5Min, 0, oldest5.Add(5*time.Minute), "30;w=300")
		return rep
	case inDay >= LoginsPerDay:
		rep := errReply(http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		rep.header = s.rateHeaders(LoginsPerDay, 0, oldestDay.Add(24*time.Hour), "300;w=86400")
		return rep
	}
	s.logins = append(s.logins, now)
	var in struct {
		Identifier string `json:"identifier"`
		Password   string `json:"password"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Identifier == "" || in.Password == "" {
		return errReply(http.StatusBadRequest, "InvalidRequest", "Input must have the property \"identifier\"")
	}
	id := strings.TrimPrefix(in.Identifier, "@")
	if (id != s.acct.Handle && id != s.acct.DID) || in.Password != s.acct.AppPassword {
		return errReply(http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password")
	}
	s.nLogins++
	rep := reply{status: http.StatusOK, body: s.session()}
	rep.header = s.rateHeaders(LoginsPer5Min, LoginsPer5Min-in5-1, now.Add(5*time.Minute), "30;w=300")
	return rep
}

// refreshSession takes the refresh token and revokes it, as the PDS does
// (an old refresh token answers "Token has been revoked").
func (s *Server) refreshSession(r *http.Request, tk *token) reply {
	if bearer(r) == "" {
		return errReply(http.StatusUnauthorized, "AuthenticationRequired", "Authentication Required")
	}
	switch {
	case tk == nil:
		return errReply(http.StatusBadRequest, "InvalidToken", "Token could not be verified")
	case tk.revoked:
		return errReply(http.StatusBadRequest, "ExpiredToken", "Token has been revoked")
	case tk.kind != refreshToken:
		return errReply(http.StatusBadRequest, "InvalidToken", "Invalid token type")
	case s.describe(tk) == "expired":
		return errReply(http.StatusBadRequest, "ExpiredToken", "Token has expired")
	}
	tk.revoked = true
	s.nRefresh++
	return reply{status: http.StatusOK, body: s.session()}
}

func (s *Server) ownRepo(repo string) bool {
	return repo == s.acct.DID || strings.TrimPrefix(repo, "@") == s.acct.Handle
}

func (s *Server) uri(rkey string) string {
	return "at://" + s.acct.DID + "/" + PostCollection + "/" + rkey
}

func (s *Server) getRecord(r *http.Request) reply {
	q := r.URL.Query()
	repo, coll, rkey := q.Get("repo"), q.Get("collection"), q.Get("rkey")
	if repo == "" || coll == "" || rkey == "" {
		return errReply(http.StatusBadRequest, "InvalidRequest", "Params must have the properties \"repo\", \"collection\" and \"rkey\"")
	}
	if !ValidRecordKey(rkey) {
		return errReply(http.StatusBadRequest, "InvalidRequest", "Error: rkey must be a valid Record Key")
	}
	if !s.ownRepo(repo) {
		return errReply(http.StatusBadRequest, "InvalidRequest", "Could not find repo: "+repo)
	}
	rec, ok := s.records[rkey]
	if coll != PostCollection || !ok {
		return errReply(http.StatusBadRequest, "RecordNotFound", "Could not locate record: at://"+s.acct.DID+"/"+coll+"/"+rkey)
	}
	return reply{status: http.StatusOK, body: map[string]any{"uri": rec.URI, "cid": rec.CID, "value": rec.Value}}
}

func (s *Server) uploadBlob(r *http.Request, body []byte) reply {
	if len(body) > MaxThumbBytes {
		return errReply(http.StatusBadRequest, "BlobTooLarge",
			fmt.Sprintf("This file is too large. It is %d bytes but the maximum size is %d bytes.", len(body), MaxThumbBytes))
	}
	mime := strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0])
	if mime == "" {
		mime = "application/octet-stream"
	}
	b := Blob{Type: "blob", Ref: BlobRef{Link: cid(0x55, body)}, MimeType: mime, Size: int64(len(body))}
	s.blobs[b.Ref.Link] = b
	return reply{status: http.StatusOK, body: map[string]any{"blob": b}}
}

func invalid(msg string) reply {
	return errReply(http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: "+msg)
}

func (s *Server) createRecord(body []byte) reply {
	var in struct {
		Repo       string          `json:"repo"`
		Collection string          `json:"collection"`
		RKey       *string         `json:"rkey"`
		Validate   *bool           `json:"validate"`
		Record     json.RawMessage `json:"record"`
		SwapCommit *string         `json:"swapCommit"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return errReply(http.StatusBadRequest, "InvalidRequest", "Request body is not valid JSON")
	}
	if in.Repo == "" || in.Collection == "" || len(in.Record) == 0 {
		return errReply(http.StatusBadRequest, "InvalidRequest", "Input must have the properties \"repo\", \"collection\" and \"record\"")
	}
	if !s.ownRepo(in.Repo) {
		return errReply(http.StatusUnauthorized, "AuthenticationRequired", "Authentication Required")
	}
	if in.Collection != PostCollection {
		return errReply(http.StatusBadRequest, "InvalidRequest", "Lexicon not found: lex:"+in.Collection)
	}
	rkey := ""
	if in.RKey != nil {
		rkey = *in.RKey
		// app.bsky.feed.post has "key": "tid".
		if !ValidTID(rkey) {
			return errReply(http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record key: "+rkey+" (must be a TID)")
		}
	} else {
		rkey = s.nextTID()
	}
	var rec struct {
		Type      string          `json:"$type"`
		Text      *string         `json:"text"`
		Facets    []Facet         `json:"facets"`
		Embed     json.RawMessage `json:"embed"`
		Langs     []string        `json:"langs"`
		CreatedAt *string         `json:"createdAt"`
	}
	if err := json.Unmarshal(in.Record, &rec); err != nil {
		return invalid("Record must be an object")
	}
	if rec.Type != in.Collection {
		return invalid("Record/$type must be " + in.Collection)
	}
	var embed *Embed
	if in.Validate == nil || *in.Validate {
		if rep, ok := s.validate(rec.Text, rec.CreatedAt, rec.Langs, rec.Facets, rec.Embed, &embed); !ok {
			return rep
		}
	} else if len(rec.Embed) > 0 {
		_ = json.Unmarshal(rec.Embed, &embed)
	}
	if _, exists := s.records[rkey]; exists {
		// What @atproto/pds 0.5 answers: the repo write fails below the
		// lexicon layer and surfaces as a 500.
		return errReply(http.StatusInternalServerError, "InternalServerError", "Internal Server Error")
	}
	r := Record{RKey: rkey, URI: s.uri(rkey), CID: cid(0x71, in.Record), Facets: rec.Facets, Embed: embed,
		Langs: rec.Langs, Value: append(json.RawMessage(nil), in.Record...)}
	if rec.Text != nil {
		r.Text = *rec.Text
	}
	if rec.CreatedAt != nil {
		r.CreatedAt = *rec.CreatedAt
	}
	s.records[rkey] = r
	s.order = append(s.order, rkey)
	rev := s.nextTID()
	return reply{status: http.StatusOK, body: map[string]any{
		"uri": r.URI, "cid": r.CID,
		"commit":           map[string]string{"cid": cid(0x71, []byte(rev)), "rev": rev},
		"validationStatus": "valid",
	}}
}

var datetime = regexp.MustCompile(`^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9](\.[0-9]{1,20})?(Z|[+-][0-2][0-9]:[0-5][0-9])$`)

// validate checks the record against app.bsky.feed.post as the PDS's lexicon
// validator does; facet offsets are deliberately not checked (the PDS does
// not).
func (s *Server) validate(text, createdAt *string, langs []string, facets []Facet, rawEmbed json.RawMessage, embed **Embed) (reply, bool) {
	if text == nil {
		return invalid("Record must have the property \"text\""), false
	}
	if len(*text) > MaxTextBytes {
		return invalid(fmt.Sprintf("Record/text must not be longer than %d characters", MaxTextBytes)), false
	}
	if uniseg.GraphemeClusterCount(*text) > MaxGraphemes {
		return invalid(fmt.Sprintf("Record/text must not be longer than %d graphemes", MaxGraphemes)), false
	}
	if createdAt == nil {
		return invalid("Record must have the property \"createdAt\""), false
	}
	if t, err := time.Parse(time.RFC3339Nano, *createdAt); err != nil || !datetime.MatchString(*createdAt) || t.IsZero() {
		return invalid("Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)"), false
	}
	if len(langs) > 3 {
		return invalid("Record/langs must not have more than 3 elements"), false
	}
	for i, l := range langs {
		if l == "" {
			return invalid(fmt.Sprintf("Record/langs/%d must be a well-formed BCP 47 language tag", i)), false
		}
	}
	for i, f := range facets {
		if f.Index.ByteStart < 0 || f.Index.ByteEnd < 0 {
			return invalid(fmt.Sprintf("Record/facets/%d/index/byteStart can not be less than 0", i)), false
		}
		for j, ft := range f.Features {
			switch ft.Type {
			case "app.bsky.richtext.facet#link":
				if ft.URI == "" || !strings.Contains(ft.URI, ":") {
					return invalid(fmt.Sprintf("Record/facets/%d/features/%d/uri must be a uri", i, j)), false
				}
			case "app.bsky.richtext.facet#tag":
				if ft.Tag == "" || len(ft.Tag) > 640 || uniseg.GraphemeClusterCount(ft.Tag) > 64 {
					return invalid(fmt.Sprintf("Record/facets/%d/features/%d/tag must not be longer than 64 graphemes", i, j)), false
				}
			case "app.bsky.richtext.facet#mention":
				if !strings.HasPrefix(ft.DID, "did:") {
					return invalid(fmt.Sprintf("Record/facets/%d/features/%d/did must be a valid did", i, j)), false
				}
			default:
				return invalid(fmt.Sprintf("Record/facets/%d/features/%d must be an object which includes the \"$type\" property", i, j)), false
			}
		}
	}
	if len(rawEmbed) == 0 || string(rawEmbed) == "null" {
		return reply{}, true
	}
	var e Embed
	if err := json.Unmarshal(rawEmbed, &e); err != nil {
		return invalid("Record/embed must be an object"), false
	}
	if e.Type != "app.bsky.embed.external" {
		return invalid("Record/embed $type must be one of lex:app.bsky.embed.images, lex:app.bsky.embed.video, lex:app.bsky.embed.external, lex:app.bsky.embed.record, lex:app.bsky.embed.recordWithMedia"), false
	}
	var raw struct {
		External map[string]json.RawMessage `json:"external"`
	}
	_ = json.Unmarshal(rawEmbed, &raw)
	for _, k := range []string{"uri", "title", "description"} {
		if _, ok := raw.External[k]; !ok {
			return invalid("Record/embed/external must have the property \"" + k + "\""), false
		}
	}
	if e.External == nil || !strings.Contains(e.External.URI, ":") {
		return invalid("Record/embed/external/uri must be a uri"), false
	}
	if th := e.External.Thumb; th != nil {
		if th.Type != "blob" || th.Ref.Link == "" {
			return invalid("Record/embed/external/thumb should be a blob ref"), false
		}
		b, ok := s.blobs[th.Ref.Link]
		if !ok {
			return errReply(http.StatusBadRequest, "BlobNotFound", "Could not find blob: "+th.Ref.Link), false
		}
		if !strings.HasPrefix(b.MimeType, "image/") || th.MimeType != b.MimeType {
			return invalid("Record/embed/external/thumb mimeType (" + b.MimeType + ") does not match accepted types: image/*"), false
		}
		if b.Size > MaxThumbBytes {
			return invalid(fmt.Sprintf("Record/embed/external/thumb file too large (%d bytes). Maximum allowed size is %d bytes.", b.Size, MaxThumbBytes)), false
		}
	}
	*embed = &e
	return reply{}, true
}

const s32 = "234567abcdefghijklmnopqrstuvwxyz"

// nextTID makes a TID from the fake's clock; s.mu held.
func (s *Server) nextTID() string {
	v := uint64(s.now().UnixMicro())<<10 | uint64(len(s.order)&0x3ff)
	b := make([]byte, 13)
	for i := 12; i >= 0; i-- {
		b[i] = s32[v&31]
		v >>= 5
	}
	return string(b)
}

var (
	tidRE  = regexp.MustCompile(`^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$`)
	rkeyRE = regexp.MustCompile(`^[A-Za-z0-9._:~-]{1,512}$`)
)

// ValidTID reports whether s is TID syntax (https://atproto.com/specs/tid).
func ValidTID(s string) bool { return tidRE.MatchString(s) }

// ValidRecordKey reports whether s is record key syntax
// (https://atproto.com/specs/record-key).
func ValidRecordKey(s string) bool { return rkeyRE.MatchString(s) && s != "." && s != ".." }

// cid makes a CIDv1 string (base32, sha2-256) for data with the given codec
// (0x71 dag-cbor for records, 0x55 raw for blobs), so references look and
// compare like real ones.
func cid(codec byte, data []byte) string {
	sum := sha256.Sum256(data)
	b := append([]byte{0x01, codec, 0x12, 0x20}, sum[:]...)
	return "b" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
