package main

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// palette colours the bar series.
var palette = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 0xff},
	color.RGBA{0xff, 0x7f, 0x0e, 0xff},
}

// chart draws the median ratios to each cell's reference: the echo cells
// on the left (a bar per server, one series per connection count), RESP
// and HTTP on the right (our example against its peer), with the machine
// and the date in the title.
func (r *results) chart(path string) error {
	left, err := r.barPlot("echo 1 KiB: req/s ÷ Go net (median)",
		[]string{echoGroup(50), echoGroup(100)}, []string{"50 conns", "100 conns"}, r.serversOf(echoGroup(50)))
	if err != nil {
		return err
	}
	var respHTTP []string
	for _, g := range r.groups {
		if strings.HasPrefix(g, "RESP") || g == httpGroup {
			respHTTP = append(respHTTP, g)
		}
	}
	right, err := r.pairPlot("RESP ÷ redis-server, HTTP ÷ net/http (median)", respHTTP)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("%s — %s", r.started.UTC().Format("2006-01-02"), machine())
	left.Title.Text = left.Title.Text + "\n" + title
	const w, h = 30 * vg.Centimeter, 12 * vg.Centimeter
	img := vgimg.New(w, h)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Centimeter, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	cs := plot.Align([][]*plot.Plot{{left, right}}, tiles, dc)
	left.Draw(cs[0][0])
	right.Draw(cs[0][1])
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// serversOf lists a group's servers that were not skipped.
func (r *results) serversOf(group string) []string {
	var out []string
	for _, w := range r.rows {
		if w.group == group && w.skip == "" {
			out = append(out, w.server)
		}
	}
	return out
}

// barPlot is one series per group, a bar per server: its median ratio to
// the group's reference (0 where not measured).
func (r *results) barPlot(title string, groups, legends, servers []string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "× reference"
	p.Y.Min = 0
	if len(servers) == 0 {
		p.Title.Text += "\n(not measured)"
		return p, nil
	}
	width := vg.Points(14)
	for i, g := range groups {
		vs := make(plotter.Values, len(servers))
		for j, s := range servers {
			if w := r.idx[g+"\x00"+s]; w != nil {
				vs[j] = zeroNaN(r.ratio(w).median)
			}
		}
		bars, err := plotter.NewBarChart(vs, width)
		if err != nil {
			return nil, err
		}
		bars.Color = palette[i%len(palette)]
		bars.LineStyle.Width = 0
		bars.Offset = width * vg.Length(float64(i)-float64(len(groups)-1)/2)
		p.Add(bars)
		p.Legend.Add(legends[i], bars)
	}
	p.Legend.Top = true
	// Room above the tallest bar for the legend, drawn at the top.
	p.Y.Max *= headroom + 0.1
	p.NominalX(shortNames(servers)...)
	p.X.Tick.Label.Rotation = math.Pi / 5
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	p.Add(plotter.NewGrid())
	return p, nil
}

// pairPlot is a bar per group: ours over the reference.
func (r *results) pairPlot(title string, groups []string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Min = 0
	if len(groups) == 0 {
		p.Title.Text += "\n(not measured)"
		return p, nil
	}
	vs := make(plotter.Values, len(groups))
	for i, g := range groups {
		for _, w := range r.rows {
			if w.group == g && w.server != r.refs[g] && w.skip == "" {
				vs[i] = zeroNaN(r.ratio(w).median)
			}
		}
	}
	bars, err := plotter.NewBarChart(vs, vg.Points(22))
	if err != nil {
		return nil, err
	}
	bars.Color = palette[0]
	bars.LineStyle.Width = 0
	p.Add(bars, plotter.NewGrid())
	p.Y.Max = max(p.Y.Max*headroom, 1) // an axis even when nothing was measured
	labels := make([]string, len(groups))
	for i, g := range groups {
		labels[i] = strings.TrimSuffix(g, ", wrk -t1 -c50")
	}
	p.NominalX(labels...)
	p.X.Tick.Label.Rotation = math.Pi / 5
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	return p, nil
}

// headroom is how far an axis goes past its tallest bar, so that the bar
// does not meet the frame.
const headroom = 1.1

func shortNames(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.TrimPrefix(s, "asyncgen ")
	}
	return out
}

func zeroNaN(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
