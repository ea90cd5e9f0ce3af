package store

import "context"

// known reports, per item, whether recording it now would create nothing
// (the feed or another one names it already), by Record's own matching: the
// conformance suite asks it before and after recording.
func (s *Store) known(ctx context.Context, feedURL string, items []NewItem) ([]bool, error) {
	v, err := s.loadFeed(ctx, s.db, feedURL, items)
	if err != nil {
		return nil, err
	}
	if err := s.loadCross(ctx, s.db, v, items); err != nil {
		return nil, err
	}
	steps := v.match(items, make([]string, len(items)))
	out := make([]bool, len(items))
	for i, st := range steps {
		out[i] = st.found.Match != New
	}
	return out, nil
}
