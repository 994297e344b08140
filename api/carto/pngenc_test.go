package carto

import (
	"bytes"
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

// The PNG encoder writes what image/png reads back pixel for pixel, for
// an opaque image (its own RGB path, several IDAT chunks) and for one
// with transparency (image/png's path), and a sub-image keeps its bounds.
func TestEncodePNG(t *testing.T) {
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
			if err := encodePNG(&buf, tc.img); err != nil {
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
