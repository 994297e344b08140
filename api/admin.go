package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// Upload is one file of an admin upload, spooled to a temporary file that
// the server removes once the ingest has returned.
type Upload struct {
	Name string // the client's file name without any directory
	Data io.ReaderAt
	Size int64
}

// IngestFunc ingests uploaded files of one kind into a new snapshot and
// makes the server serve it. It is all or nothing: on error the served
// snapshot must be as it was. The api package leaves readers and storage
// to its caller (cmd/observatory wires ingest.Run and Hub.Reload).
type IngestFunc func(ctx context.Context, kind string, files []Upload, opt IngestOptions) (*observatory.Report, error)

// IngestOptions are what an upload's query asks of its run.
type IngestOptions struct {
	// AllowShrink (allow_shrink=true) lets a catalogue replace the current
	// one even when it has far fewer formations in force or quarantines
	// much of a file, which the ingest otherwise refuses (409).
	AllowShrink bool
	// Progress, set by the server, is to be told the run's phase, file and
	// rows read (ingest.Options.Step).
	Progress func(observatory.Progress)
	// Programme: for kind offer, the programme the files are a list of
	// (programme=, title=, title_en=, source=, source_url=, licence=, date=).
	Programme observatory.Programme
}

const (
	adminPrefix = "/api/v1/admin/"
	// maxUploadFiles bounds the temporary files one request can create:
	// the body limit alone would allow thousands of tiny parts.
	maxUploadFiles = 16
	maxFileName    = 200
)

// ingestKinds are the kinds the upload route accepts, checked before the
// body is read; TestAdminKinds keeps it equal to ingest.Kinds().
var ingestKinds = []string{"bmo", "catalogue", observatory.KindOffer}

// offerParams describe an offer's programme in an upload.
var offerParams = []string{programmeParam, "title", "title_en", "source", "source_url", "licence", "date"}

// IngestKinds lists the kinds POST /api/v1/admin/ingest accepts.
func IngestKinds() []string { return slices.Clone(ingestKinds) }

// adminAuth lets a request through only with the configured bearer token.
// Without a token (or an ingest function) the admin routes do not exist
// on this server: 404, saying how to enable them.
func (s *Server) adminAuth(next echo.HandlerFunc) echo.HandlerFunc {
	want := sha256.Sum256([]byte(s.cfg.AdminToken))
	return func(c echo.Context) error {
		if s.cfg.AdminToken == "" || s.cfg.Ingest == nil {
			return observatory.Errorf(observatory.ENOTFOUND,
				"admin routes are disabled on this server; start it with --admin-token or OBSERVATORY_ADMIN_TOKEN")
		}
		h := c.Response().Header()
		addr := peerAddr(c.Request().RemoteAddr)
		if wait, blocked := s.throttle.blocked(addr); blocked {
			h.Set("Retry-After", strconv.Itoa(retryAfter(wait)))
			return observatory.Errorf(observatory.ETOOMANY,
				"too many wrong admin tokens from this address; try again in %d s", retryAfter(wait))
		}
		tok, ok := bearerToken(c.Request().Header.Get(echo.HeaderAuthorization))
		if !ok {
			h.Set(echo.HeaderWWWAuthenticate, `Bearer realm="observatory admin"`)
			return observatory.Errorf(observatory.EUNAUTHORIZED, "send the admin token as Authorization: Bearer <token>")
		}
		// Hashing both sides first makes the comparison constant-time in
		// the token's length too.
		got := sha256.Sum256([]byte(tok))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			h.Set(echo.HeaderWWWAuthenticate, `Bearer realm="observatory admin", error="invalid_token"`)
			if s.throttle.failed(addr, c.Request().URL.Path) {
				s.log.Warn("admin: wrong token", "remote", addr, "real_ip", c.RealIP(), "path", c.Request().URL.Path)
			}
			return observatory.Errorf(observatory.EUNAUTHORIZED, "the admin token is wrong")
		}
		return next(c)
	}
}

func bearerToken(header string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// adminIngest serves POST /api/v1/admin/ingest?kind=catalogue|bmo|offer
// [&allow_shrink=true] (offer: &programme=NAME[&title=…&date=…]): the
// multipart `file` parts are spooled to temporary files, then ingested in
// the background into a new snapshot, served at once when done. It
// answers 202 with the run's status and its Location; what the query or
// the body gets wrong is answered at once (400, 413), and so is a second
// upload while a run is under way (409).
func (s *Server) adminIngest(c echo.Context) error {
	p := s.params(c, append([]string{"kind", "allow_shrink"}, offerParams...)...)
	kind := p.str("kind")
	if p.err != nil {
		return p.err
	}
	var opt IngestOptions
	switch v := p.str("allow_shrink"); v {
	case "", "false":
	case "true":
		opt.AllowShrink = true
	default:
		return observatory.ParamError("allow_shrink", "allow_shrink must be true or false")
	}
	if !slices.Contains(ingestKinds, kind) {
		return observatory.ParamError("kind", "kind must be one of %s", strings.Join(ingestKinds, ", "))
	}
	if kind == observatory.KindOffer {
		prog, err := observatory.OfferProgramme(p.str(programmeParam), p.str("title"), p.str("title_en"), p.str("source"),
			p.str("source_url"), p.str("licence"), p.str("date"))
		if err != nil {
			return err
		}
		opt.Programme = prog
	} else {
		for _, k := range offerParams {
			if p.str(k) != "" {
				return observatory.ParamError(k, "%s describes an offer's programme: it goes with kind=offer only", k)
			}
		}
	}
	// One run at a time: two would race to publish, and the second would
	// silently drop the first one's data. The run unlocks when it ends.
	if !s.ingestMu.TryLock() {
		return observatory.Errorf(observatory.ECONFLICT, "another ingest is running; retry when it has finished (see %sruns)", adminPrefix)
	}
	started := false
	defer func() {
		if !started {
			s.ingestMu.Unlock()
		}
	}()

	r := c.Request()
	if r.ContentLength > s.cfg.MaxBodyBytes {
		return s.tooLarge()
	}
	r.Body = http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxBodyBytes)
	files, err := s.spool(r)
	if err != nil {
		removeUploads(s.log, files)
		return err
	}
	log := s.log.With("remote", c.RealIP(), "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
		"kind", kind, "files", uploadSummary(files))
	run := s.runs.start(kind, files, opt)
	started = true
	s.runs.wg.Add(1)
	go s.ingestRun(run, kind, files, opt, log.With("run", run.ID))

	status, _ := s.runs.get(run.ID)
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set(echo.HeaderLocation, run.Links["self"])
	return c.JSON(http.StatusAccepted, status)
}

// ingestRun runs an upload's ingest under the server's lifetime, not the
// request's, within RunTimeout; it removes the spooled files
// and lets the next upload in when it ends.
func (s *Server) ingestRun(run *runStatus, kind string, files []Upload, opt IngestOptions, log *slog.Logger) {
	defer s.runs.wg.Done()
	ctx, cancel := context.WithTimeout(s.base, s.cfg.RunTimeout)
	defer cancel()
	start := time.Now()
	opt.Progress = func(p observatory.Progress) { s.runs.progress(run, p) }
	rep, err := s.cfg.Ingest(ctx, kind, files, opt)
	// Files gone and the next upload let in before the status says the
	// run has ended: a client that sees it ended may upload again.
	removeUploads(s.log, files)
	s.ingestMu.Unlock()
	s.runs.finish(run, rep, err)
	if err != nil {
		log.Warn("admin ingest failed", "err", err, "allow_shrink", opt.AllowShrink, "duration", time.Since(start).Round(time.Millisecond))
		return
	}
	read, loaded, quarantined, repaired := rep.Totals()
	log.Info("admin ingest", "snapshot", rep.Snapshot, "rows_read", read, "loaded", loaded,
		"quarantined", quarantined, "repaired", repaired, "warnings", len(rep.Warnings), "allow_shrink", opt.AllowShrink,
		"duration", time.Since(start).Round(time.Millisecond))
	for _, w := range rep.Warnings {
		log.Warn("admin ingest warning", "snapshot", rep.Snapshot, "warning", w)
	}
}

func (s *Server) tooLarge() error {
	return observatory.Errorf(observatory.ETOOLARGE, "the upload is larger than this server's limit of %d bytes", s.cfg.MaxBodyBytes)
}

// spool copies each `file` part of the multipart body to a temporary file,
// so memory stays flat whatever the upload's size. The files it returns,
// even with an error, are for removeUploads.
func (s *Server) spool(r *http.Request) ([]Upload, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, observatory.Errorf(observatory.EINVALID, "send the files as multipart/form-data, one or more parts named `file`")
	}
	var files []Upload
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return files, s.bodyError(err)
		}
		f, err := s.spoolPart(part, len(files))
		part.Close()
		if f.Data != nil {
			files = append(files, f)
		}
		if err != nil {
			return files, err
		}
	}
	if len(files) == 0 {
		return nil, observatory.ParamError("file", "the upload has no `file` part")
	}
	return files, nil
}

func (s *Server) spoolPart(part *multipart.Part, n int) (Upload, error) {
	if part.FormName() != "file" {
		return Upload{}, observatory.ParamError(part.FormName(), "unexpected form field %q; send files as parts named `file`", part.FormName())
	}
	if n == maxUploadFiles {
		return Upload{}, observatory.ParamError("file", "at most %d files per upload", maxUploadFiles)
	}
	// The client's name is shown in every message and recorded as the
	// input's name; keep only its last element, whatever the separator.
	name := path.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
	if name == "." || name == "/" || name == "" || len(name) > maxFileName {
		return Upload{}, observatory.ParamError("file", "each `file` part needs a file name of at most %d bytes", maxFileName)
	}
	// Named with our process id, so the leftovers of a killed server are
	// known for what they are (duckdb.Dir.Clean).
	tmp, err := os.CreateTemp(s.cfg.TempDir, uploadPattern())
	if err != nil {
		return Upload{}, err
	}
	u := Upload{Name: name, Data: tmp}
	u.Size, err = io.Copy(tmp, part)
	if err != nil {
		return u, s.bodyError(err)
	}
	return u, nil
}

// bodyError tells a body over the limit from a malformed one.
func (s *Server) bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return s.tooLarge()
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return observatory.Errorf(observatory.EINVALID, "the upload took too long")
	}
	return observatory.Errorf(observatory.EINVALID, "the multipart body is malformed or cut short")
}

func removeUploads(log *slog.Logger, files []Upload) {
	for _, u := range files {
		f := u.Data.(*os.File)
		f.Close()
		if err := os.Remove(f.Name()); err != nil {
			log.Warn("admin: remove upload", "file", f.Name(), "err", err)
		}
	}
}

func uploadSummary(files []Upload) []string {
	s := make([]string, len(files))
	for i, u := range files {
		s[i] = fmt.Sprintf("%s (%d bytes)", u.Name, u.Size)
	}
	return s
}
