package carto

import (
	"bytes"
	"fmt"
	"hash/adler32"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"testing"
)

// testImage is an opaque image of flat areas, gradients and noise, with
// odd dimensions; alpha < 255 somewhere when transparent.
func testImage(w, h int, transparent bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(3, 5))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{255, 255, 255, 255}
			switch {
			case x < w/3:
				c = color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255}
			case x < 2*w/3:
				c = color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
			case y%7 == 0:
				c = color.RGBA{200, 30, 40, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	if transparent {
		img.SetRGBA(w-1, h-1, color.RGBA{10, 10, 10, 128})
	}
	return img
}

// The PNG encoder writes what image/png reads back pixel for pixel (its
// zlib reader checks the Adler-32 combined from the bands'), for an opaque
// image (its own RGB path, several IDAT chunks) and for one with
// transparency in its last band only (image/png's path), and a sub-image
// keeps its bounds; in one band or several.
func TestEncodePNG(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7} {
		t.Run(fmt.Sprint(n, " bands"), func(t *testing.T) { testEncodePNG(t, n) })
	}
}

func testEncodePNG(t *testing.T, bands int) {
	for _, tc := range []struct {
		name        string
		img         *image.RGBA
		transparent bool
	}{
		{"opaque", testImage(601, 437, false), false},
		{"transparent", testImage(97, 53, true), true},
		{"sub-image", testImage(300, 200, false).SubImage(image.Rect(17, 9, 250, 181)).(*image.RGBA), false},
		{"one pixel", testImage(1, 1, false), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := encodeIn(&buf, tc.img, bands, nil); err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			b := tc.img.Bounds()
			if got.Bounds().Dx() != b.Dx() || got.Bounds().Dy() != b.Dy() {
				t.Fatalf("decoded %v, want the size of %v", got.Bounds(), b)
			}
			if _, rgb := got.(*image.RGBA); tc.transparent == rgb {
				t.Fatalf("decoded as %T: the wrong encoder ran", got)
			}
			g0 := got.Bounds().Min
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					want := color.NRGBAModel.Convert(tc.img.At(x, y))
					if have := color.NRGBAModel.Convert(got.At(x-b.Min.X+g0.X, y-b.Min.Y+g0.Y)); have != want {
						t.Fatalf("pixel (%d, %d): %v, want %v", x, y, have, want)
					}
				}
			}
		})
	}
}

// adler32Combine gives the checksum of two strings end to end, short and
// longer than the checksum's modulus.
func TestAdler32Combine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 100, 65521, 65522, 300_000} {
		p := make([]byte, n+r.IntN(1000))
		for i := range p {
			p[i] = byte(r.IntN(256))
		}
		for _, cut := range []int{0, len(p) / 3, len(p)} {
			a, b := p[:cut], p[cut:]
			got := adler32Combine(adler32.Checksum(a), adler32.Checksum(b), int64(len(b)))
			if want := adler32.Checksum(p); got != want {
				t.Errorf("%d bytes cut at %d: %08x, want %08x", len(p), cut, got, want)
			}
		}
	}
}

// pngBands covers the rows once, in order, each band but the last a
// multiple of bandRows high.
func TestPNGBands(t *testing.T) {
	for _, c := range []struct{ h, n int }{{1, 2}, {31, 2}, {100, 2}, {1688, 2}, {1688, 3}, {1688, 1}, {64, 8}} {
		bs := pngBands(image.Rect(0, 5, 10, 5+c.h), c.n)
		y := 5
		for i, b := range bs {
			if b.Min.Y != y || b.Empty() || i < len(bs)-1 && b.Dy()%bandRows != 0 {
				t.Errorf("%d rows in %d: band %d is %v", c.h, c.n, i, b)
			}
			y = b.Max.Y
		}
		if y != 5+c.h || len(bs) > c.n {
			t.Errorf("%d rows in %d: %d bands end at %d", c.h, c.n, len(bs), y)
		}
	}
}

func BenchmarkEncodePNG(b *testing.B) {
	img := testImage(1500, 1400, false)
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			if err := encodePNG(new(bytes.Buffer), img); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("image/png", func(b *testing.B) {
		for b.Loop() {
			if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(new(bytes.Buffer), img); err != nil {
				b.Fatal(err)
			}
		}
	})
}
