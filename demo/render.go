package demo

import (
	"html"
	"strconv"
	"strings"
)

const pageStyle = "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}" +
	"img{max-width:100%;height:auto}.meta{color:#555}.note{border-left:4px solid #e9a100;padding:.5rem 1rem;background:#fff8e6}" +
	".step{border-top:1px solid #ddd;padding-top:1rem}"

const pageFooter = "Hotbench Manuals. Text licensed CC BY-NC-SA 3.0."

// renderConcat is the render-concat hotspot. Every += copies the whole page so
// far into a new string, so a page of P bytes built from K pieces allocates
// about K*P/2 bytes: megabytes for a long manual.
func renderConcat(m *manual) string {
	s := "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	s += "<title>" + html.EscapeString(m.Title) + " - Hotbench Manuals</title>\n"
	s += "<style>" + pageStyle + "</style>\n</head>\n<body>\n"
	s += "<header>\n<h1>" + html.EscapeString(m.Title) + "</h1>\n"
	s += "<p class=\"meta\">" + html.EscapeString(m.Device) + " | " + html.EscapeString(m.Category) + " | " +
		html.EscapeString(m.Difficulty) + " | " + strconv.Itoa(m.TimeMinutes) + " minutes | " +
		strconv.Itoa(len(m.Steps)) + " steps</p>\n"
	s += "<section class=\"tools\">\n<h2>Tools</h2>\n<ul>\n"
	for _, t := range m.Tools {
		s += "<li>" + html.EscapeString(t) + "</li>\n"
	}
	s += "</ul>\n</section>\n<section class=\"parts\">\n<h2>Parts</h2>\n<ul>\n"
	for _, p := range m.Parts {
		s += "<li>" + html.EscapeString(p) + "</li>\n"
	}
	s += "</ul>\n</section>\n</header>\n<nav class=\"toc\">\n<h2>Steps</h2>\n<ol>\n"
	for _, st := range m.Steps {
		s += "<li><a href=\"#step-" + strconv.Itoa(st.Number) + "\">" + html.EscapeString(st.Title) + "</a></li>\n"
	}
	s += "</ol>\n</nav>\n<main>\n"
	id := strconv.Itoa(m.ID)
	for _, st := range m.Steps {
		n := strconv.Itoa(st.Number)
		img := html.EscapeString(st.Image)
		title := html.EscapeString(st.Title)
		s += "<section class=\"step\" id=\"step-" + n + "\">\n"
		s += "<h2>Step " + n + ": " + title + "</h2>\n"
		s += "<img src=\"" + img + "?w=640\" srcset=\"" + img + "?w=320 320w, " + img + "?w=1280 1280w\" alt=\"" + title + "\" loading=\"lazy\">\n"
		s += "<p>" + html.EscapeString(st.Text) + "</p>\n"
		if st.Note != "" {
			s += "<aside class=\"note\">" + html.EscapeString(st.Note) + "</aside>\n"
		}
		s += "<a class=\"comments\" href=\"/manuals/" + id + "/steps/" + n + "/comments\">Add a comment</a>\n"
		s += "</section>\n"
	}
	s += "</main>\n<footer><p>" + pageFooter + "</p></footer>\n</body>\n</html>\n"
	return s
}

// renderBuilder is the render-concat fix: the same page, byte for byte, written
// once into a strings.Builder sized up front, escaping straight into it.
func renderBuilder(m *manual) string {
	var b strings.Builder
	b.Grow(pageSizeHint(m))
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
	writeEscaped(&b, m.Title)
	b.WriteString(" - Hotbench Manuals</title>\n<style>" + pageStyle + "</style>\n</head>\n<body>\n<header>\n<h1>")
	writeEscaped(&b, m.Title)
	b.WriteString("</h1>\n<p class=\"meta\">")
	writeEscaped(&b, m.Device)
	b.WriteString(" | ")
	writeEscaped(&b, m.Category)
	b.WriteString(" | ")
	writeEscaped(&b, m.Difficulty)
	b.WriteString(" | ")
	writeInt(&b, m.TimeMinutes)
	b.WriteString(" minutes | ")
	writeInt(&b, len(m.Steps))
	b.WriteString(" steps</p>\n<section class=\"tools\">\n<h2>Tools</h2>\n<ul>\n")
	for _, t := range m.Tools {
		b.WriteString("<li>")
		writeEscaped(&b, t)
		b.WriteString("</li>\n")
	}
	b.WriteString("</ul>\n</section>\n<section class=\"parts\">\n<h2>Parts</h2>\n<ul>\n")
	for _, p := range m.Parts {
		b.WriteString("<li>")
		writeEscaped(&b, p)
		b.WriteString("</li>\n")
	}
	b.WriteString("</ul>\n</section>\n</header>\n<nav class=\"toc\">\n<h2>Steps</h2>\n<ol>\n")
	for _, st := range m.Steps {
		b.WriteString("<li><a href=\"#step-")
		writeInt(&b, st.Number)
		b.WriteString("\">")
		writeEscaped(&b, st.Title)
		b.WriteString("</a></li>\n")
	}
	b.WriteString("</ol>\n</nav>\n<main>\n")
	for _, st := range m.Steps {
		b.WriteString("<section class=\"step\" id=\"step-")
		writeInt(&b, st.Number)
		b.WriteString("\">\n<h2>Step ")
		writeInt(&b, st.Number)
		b.WriteString(": ")
		writeEscaped(&b, st.Title)
		b.WriteString("</h2>\n<img src=\"")
		writeEscaped(&b, st.Image)
		b.WriteString("?w=640\" srcset=\"")
		writeEscaped(&b, st.Image)
		b.WriteString("?w=320 320w, ")
		writeEscaped(&b, st.Image)
		b.WriteString("?w=1280 1280w\" alt=\"")
		writeEscaped(&b, st.Title)
		b.WriteString("\" loading=\"lazy\">\n<p>")
		writeEscaped(&b, st.Text)
		b.WriteString("</p>\n")
		if st.Note != "" {
			b.WriteString("<aside class=\"note\">")
			writeEscaped(&b, st.Note)
			b.WriteString("</aside>\n")
		}
		b.WriteString("<a class=\"comments\" href=\"/manuals/")
		writeInt(&b, m.ID)
		b.WriteString("/steps/")
		writeInt(&b, st.Number)
		b.WriteString("/comments\">Add a comment</a>\n</section>\n")
	}
	b.WriteString("</main>\n<footer><p>" + pageFooter + "</p></footer>\n</body>\n</html>\n")
	return b.String()
}

// pageSizeHint is a close upper estimate of the page size, so the builder
// allocates once; escapes can push a page past it, which only costs a regrow.
func pageSizeHint(m *manual) int {
	n := 1024 + len(pageStyle) + 2*len(m.Title) + len(m.Device) + len(m.Category)
	for _, t := range m.Tools {
		n += len(t) + 10
	}
	for _, p := range m.Parts {
		n += len(p) + 10
	}
	for _, st := range m.Steps {
		n += 240 + 3*len(st.Title) + 4*len(st.Image) + len(st.Text) + len(st.Note)
	}
	return n
}

// writeEscaped writes s escaped exactly as html.EscapeString escapes it,
// without building the escaped string first.
func writeEscaped(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

func writeInt(b *strings.Builder, n int) {
	var buf [20]byte
	b.Write(strconv.AppendInt(buf[:0], int64(n), 10))
}
