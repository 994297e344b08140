package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// Target is one endpoint in one encoding: what the load generator hits on
// the project (Endpoint.Path) and on the ceilings (File).
type Target struct {
	Endpoint    Endpoint
	Gzip        bool
	File        string // name under the ceilings' root; the .gz one is File+".gz"
	ContentType string
	Size        int    // bytes on the wire (compressed for gzip)
	Skip        string // why it is not measured; empty when it is
}

func (t Target) encoding() string {
	if t.Gzip {
		return "gzip"
	}
	return "identity"
}

// typesFile lists each saved file's Content-Type, for the file server.
const typesFile = "types.json"

// capture fetches every endpoint from the project once per encoding and
// saves the exact bytes under dir, so the ceilings serve what the project
// does. It returns the targets in endpoint order, identity before gzip.
func capture(ctx context.Context, base string, eps []Endpoint, dir string) ([]Target, error) {
	// DisableCompression: the transport must neither ask for gzip on its own
	// nor decode it, or we would not save the bytes the server sent.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 2 * time.Minute}
	types := map[string]string{}
	var out []Target
	for _, ep := range eps {
		id, err := fetch(ctx, client, base+ep.Path, false)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ep.Name, err)
		}
		t := Target{Endpoint: ep, ContentType: id.contentType, Size: len(id.body)}
		if id.status != http.StatusOK {
			t.Skip = fmt.Sprintf("skipped (status %d)", id.status)
			out = append(out, t)
			continue
		}
		t.File = fileName(ep.Path, id.contentType)
		if err := os.WriteFile(filepath.Join(dir, t.File), id.body, 0o644); err != nil {
			return nil, err
		}
		types[t.File] = id.contentType
		out = append(out, t)
		if !ep.Gzip {
			continue
		}
		gz, err := fetch(ctx, client, base+ep.Path, true)
		if err != nil {
			return nil, fmt.Errorf("%s (gzip): %w", ep.Name, err)
		}
		tg := t
		tg.Gzip, tg.Size = true, len(gz.body)
		switch {
		case gz.status != http.StatusOK:
			tg.Skip = fmt.Sprintf("skipped (status %d)", gz.status)
		case gz.encoding != "gzip":
			tg.Skip = "skipped (server sent it uncompressed)"
		case !gunzips(gz.body):
			return nil, fmt.Errorf("%s: the gzip response does not decompress", ep.Name)
		default:
			if err := os.WriteFile(filepath.Join(dir, t.File+".gz"), gz.body, 0o644); err != nil {
				return nil, err
			}
		}
		out = append(out, tg)
	}
	b, err := json.Marshal(types)
	if err != nil {
		return nil, err
	}
	return out, os.WriteFile(filepath.Join(dir, typesFile), b, 0o644)
}

type response struct {
	status      int
	contentType string
	encoding    string
	body        []byte
}

func fetch(ctx context.Context, client *http.Client, url string, gz bool) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return response{}, err
	}
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"), body}, nil
}

func gunzips(b []byte) bool {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return false
	}
	_, err = io.Copy(io.Discard, zr)
	return err == nil
}
