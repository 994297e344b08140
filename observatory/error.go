package observatory

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to one status in a single table.
const (
	EINVALID       = "invalid"        // bad input from the caller
	ENOTFOUND      = "not_found"      // no such resource
	ECONFLICT      = "conflict"       // the request clashes with current state
	EUNAUTHORIZED  = "unauthorized"   // missing or wrong credentials
	ETOOLARGE      = "too_large"      // input over a size limit
	ENOTACCEPTABLE = "not_acceptable" // no representation matches Accept
	EUNAVAILABLE   = "unavailable"    // no snapshot loaded yet, shutting down
	ETOOMANY       = "too_many"       // too many requests of a kind from one client (wrong admin tokens)
	EINTERNAL      = "internal"       // our fault; the message is not shown to clients
)

// Error is the one error type the domain returns. Message is safe to show to
// a client; Param names the offending parameter or column where there is one.
type Error struct {
	Code    string
	Message string
	Param   string
}

func (e *Error) Error() string {
	if e.Param != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Param)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ParamError returns an EINVALID error naming the parameter at fault.
func ParamError(param, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Param: param, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not ours.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err. Errors that are not
// ours get a generic text, so internal details never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
