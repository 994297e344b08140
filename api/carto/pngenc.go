package carto

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/flate"
)

// encodePNG writes img as a PNG. A map is opaque (white under
// everything), so it goes out as 8-bit RGB with the Sub filter on every
// row and klauspost's fast deflate: image/png would write RGBA, try five
// filters per row and use the standard deflate, which took two thirds of
// the encoding time. An image with any transparency goes to image/png.
// Hand-written because image/png offers no choice of colour type or
// filter. The rows are compressed in bands at once, one per core.
func encodePNG(w io.Writer, img *image.RGBA) error {
	return encodeIn(w, img, runtime.GOMAXPROCS(0), nil)
}

// encodeIn is encodePNG in at most n bands at once. When draw is set,
// each band is drawn by it first (the band is a sub-image of img, with
// img's coordinates); a panic there comes back as the band's error.
func encodeIn(w io.Writer, img *image.RGBA, n int, draw func(band *image.RGBA)) error {
	bands := pngBands(img.Bounds(), n)
	parts := make([]band, len(bands))
	var wg sync.WaitGroup
	for i, b := range bands {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					parts[i].err = fmt.Errorf("carto: drawing rows %d-%d: %v", b.Min.Y, b.Max.Y, p)
				}
			}()
			sub := img.SubImage(b).(*image.RGBA)
			if draw != nil {
				draw(sub)
			}
			parts[i] = deflateBand(sub, i == len(bands)-1)
		})
	}
	wg.Wait()
	return encodeBands(w, img, parts)
}

// band is a band of rows, filtered and deflated (deflateBand).
type band struct {
	deflated []byte
	adler    uint32 // of the filtered rows
	n        int64  // filtered bytes
	opaque   bool
	err      error
}

// bandRows is what a band's height is a multiple of: a stroke's tiles
// (fillTiled) then never straddle two bands.
const bandRows = strokeTile

// pngBands cuts r into at most n bands of rows, each but the last a
// multiple of bandRows high; one band for an image too small to share.
func pngBands(r image.Rectangle, n int) []image.Rectangle {
	h := (r.Dy() + n - 1) / max(n, 1)
	h = max(bandRows, (h+bandRows-1)/bandRows*bandRows)
	var out []image.Rectangle
	for y := r.Min.Y; y < r.Max.Y; y += h {
		out = append(out, image.Rect(r.Min.X, y, r.Max.X, min(y+h, r.Max.Y)))
	}
	return out
}

// deflateBand filters img's rows (Sub, as RGB) and deflates them: the
// last band of an image ends the deflate stream, the others end on a
// sync flush, so that the bands' outputs put end to end are one stream
// (as pigz does). A band with any transparency is left to image/png.
func deflateBand(img *image.RGBA, last bool) band {
	if !img.Opaque() {
		return band{}
	}
	var buf bytes.Buffer
	z, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return band{err: err}
	}
	b := img.Bounds()
	sum := adler32.New()
	row := make([]byte, 1+3*b.Dx())
	row[0] = 1 // Sub: each byte less the one 3 to its left
	for y := b.Min.Y; y < b.Max.Y; y++ {
		px := img.Pix[img.PixOffset(b.Min.X, y):]
		var l0, l1, l2 byte
		for x, i := 0, 1; x < b.Dx(); x, i = x+1, i+3 {
			r, g, bl := px[4*x], px[4*x+1], px[4*x+2]
			row[i], row[i+1], row[i+2] = r-l0, g-l1, bl-l2
			l0, l1, l2 = r, g, bl
		}
		sum.Write(row)
		if _, err := z.Write(row); err != nil {
			return band{err: err}
		}
	}
	if last {
		err = z.Close()
	} else {
		err = z.Flush()
	}
	return band{deflated: buf.Bytes(), adler: sum.Sum32(), n: int64(b.Dy()) * int64(len(row)), opaque: true, err: err}
}

// encodeBands writes img as a PNG from its bands: the zlib stream is a
// header, the bands' deflated rows and the Adler-32 of all the rows,
// combined from the bands'.
func encodeBands(w io.Writer, img *image.RGBA, parts []band) error {
	for _, p := range parts {
		if p.err != nil {
			return p.err
		}
		if !p.opaque {
			return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
		}
	}
	b := img.Bounds()
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\x89PNG\r\n\x1a\n"); err != nil {
		return err
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(b.Dx()))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(b.Dy()))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per sample, RGB; compression, filter, interlace 0
	if err := writeChunk(bw, "IHDR", ihdr[:]); err != nil {
		return err
	}
	idat := &chunkWriter{w: bw, typ: "IDAT"}
	idat.Write([]byte{0x78, 0x01}) // zlib: deflate, 32 KB window, fastest
	sum := uint32(1)
	for _, p := range parts {
		idat.Write(p.deflated)
		sum = adler32Combine(sum, p.adler, p.n)
	}
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], sum)
	if _, err := idat.Write(tail[:]); err != nil {
		return err
	}
	if err := idat.flush(); err != nil {
		return err
	}
	if err := writeChunk(bw, "IEND", nil); err != nil {
		return err
	}
	return bw.Flush()
}

// adler32Combine is the Adler-32 of two byte strings put end to end from
// their own, the second n bytes long (zlib's adler32_combine).
func adler32Combine(a1, a2 uint32, n int64) uint32 {
	const base = 65521
	rem := uint32(n % base)
	s1 := a1 & 0xffff
	s2 := rem * s1 % base // < 65521², which fits in 32 bits
	s1 += a2&0xffff + base - 1
	s2 += a1>>16 + a2>>16 + base - rem
	if s1 >= base {
		s1 -= base
	}
	if s1 >= base {
		s1 -= base
	}
	if s2 >= 2*base {
		s2 -= 2 * base
	}
	if s2 >= base {
		s2 -= base
	}
	return s1 | s2<<16
}

// chunkWriter cuts what it is given into chunks of typ of 64 KB.
type chunkWriter struct {
	w   io.Writer
	typ string
	buf []byte
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), 64<<10-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == 64<<10 {
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	err := writeChunk(c.w, c.typ, c.buf)
	c.buf = c.buf[:0]
	return err
}

// writeChunk writes one PNG chunk: length, type, data, CRC of type and data.
func writeChunk(w io.Writer, typ string, data []byte) error {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	crc.Write(data)
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], crc.Sum32())
	for _, p := range [][]byte{head[:], data, tail[:]} {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}
