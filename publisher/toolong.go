package publisher

import "errors"

// ErrRefusedTooLong is in the chain of the *Error of a post the network
// refused for its length although the rules said it fitted (a server that
// counts otherwise than it announces, a counter that differs from the
// network's on some text). The caller may fit the post again with
// StrictRules and send it once more; the *Error's Kind is Permanent, so a
// caller that does not is told the post will never go as it is.
var ErrRefusedTooLong = errors.New("refused for its length")

// RefusedTooLong marks e as a refusal for length (ErrRefusedTooLong) and
// returns it. Its Err stays in the chain for errors.As.
func RefusedTooLong(e *Error) *Error {
	e.Kind = Permanent
	e.Err = tooLong{e.Err}
	return e
}

// tooLong wraps a network's own error with ErrRefusedTooLong.
type tooLong struct{ err error }

func (t tooLong) Error() string {
	if t.err == nil {
		return ErrRefusedTooLong.Error()
	}
	return t.err.Error() + " (" + ErrRefusedTooLong.Error() + ")"
}

func (t tooLong) Unwrap() []error {
	if t.err == nil {
		return []error{ErrRefusedTooLong}
	}
	return []error{ErrRefusedTooLong, t.err}
}
