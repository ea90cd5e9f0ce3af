package bluesky

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/reelpost/reelpost/publisher"
)

// errNoThumb says why a card image cannot be used; the card goes without.
var errNoThumb = errors.New("unusable card image")

// thumb fetches the card image at imageURL and uploads it as a blob. An
// image that cannot be had (fetch failed, not an image, too big, refused by
// the PDS) gives a card without a thumbnail and a warning: the post matters
// more than its picture. Only an ended ctx, a session failure or a PDS that
// is down or rate-limiting stops the post, since the post has not been made
// and is worth another try.
func (p *Publisher) thumb(ctx context.Context, key, imageURL string) (*blob, error) {
	data, ctype, err := p.fetchImage(ctx, imageURL)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &publisher.Error{Kind: publisher.Transient, Network: publisher.Bluesky, Account: p.id,
				Err: fmt.Errorf("fetch card image %s: %w", imageURL, ctx.Err())}
		}
		p.log.WarnContext(ctx, "card without thumbnail", "account", p.id, "delivery_key", key, "image_url", imageURL, "error", err)
		return nil, nil
	}
	var out struct {
		Blob blob `json:"blob"`
	}
	c := call{method: http.MethodPost, nsid: "com.atproto.repo.uploadBlob", body: data, contentType: ctype}
	if err := p.authed(ctx, c, &out); err != nil {
		if publisher.KindOf(err) == publisher.Permanent {
			p.log.WarnContext(ctx, "card without thumbnail", "account", p.id, "delivery_key", key, "image_url", imageURL, "error", err)
			return nil, nil
		}
		return nil, err
	}
	if out.Blob.Ref.Link == "" {
		p.log.WarnContext(ctx, "card without thumbnail", "account", p.id, "delivery_key", key, "image_url", imageURL,
			"error", "uploadBlob answered without a blob reference")
		return nil, nil
	}
	if out.Blob.Type == "" {
		out.Blob.Type = "blob"
	}
	return &out.Blob, nil
}

// fetchImage GETs an image of at most p.maxThumb bytes and returns it with
// its media type.
func (p *Publisher) fetchImage(ctx context.Context, imageURL string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, imageURL, nil)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", errNoThumb, err)
	}
	req.Header.Set("Accept", "image/*")
	resp, err := p.thumbs.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("get %s: %w", imageURL, err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("%w: get %s: HTTP %d", errNoThumb, imageURL, resp.StatusCode)
	}
	if resp.ContentLength > p.maxThumb {
		return nil, "", fmt.Errorf("%w: %s is %d bytes, more than %d", errNoThumb, imageURL, resp.ContentLength, p.maxThumb)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, p.maxThumb+1))
	if err != nil {
		return nil, "", fmt.Errorf("get %s: %w", imageURL, err)
	}
	if int64(len(data)) > p.maxThumb {
		return nil, "", fmt.Errorf("%w: %s is more than %d bytes", errNoThumb, imageURL, p.maxThumb)
	}
	ctype, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if !strings.HasPrefix(ctype, "image/") {
		// Some hosts send application/octet-stream; trust the bytes then.
		sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
		if !strings.HasPrefix(sniffed, "image/") {
			return nil, "", fmt.Errorf("%w: %s is %s, not an image", errNoThumb, imageURL, strconv.Quote(resp.Header.Get("Content-Type")))
		}
		ctype = sniffed
	}
	return data, ctype, nil
}
