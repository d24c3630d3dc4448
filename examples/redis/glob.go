package main

// globMatch reports whether s matches the glob pattern as Redis's KEYS
// reads it (stringmatchlen): * any run, ? one byte, [abc] [^abc] [a-z]
// a set, \x the byte x itself. Bytes, not runes, as in Redis. s is a key
// as the map holds it, or bytes: matching converts neither.
//
// It backtracks only to the last star, so it takes O(len(pattern) ×
// len(s)) at worst: a pattern like "*a*a*a*a*b" cannot stall the loop, as
// a recursive matcher's exponential time would.
//
// Like Redis's, it matches an empty s only with an empty pattern (KEYS
// takes "*" to mean every key without matching, so KEYS * lists the empty
// key and KEYS ** does not).
func globMatch[T string | []byte](pattern []byte, s T) bool {
	if len(s) == 0 {
		return len(pattern) == 0
	}
	pi, si := 0, 0
	star, starS := -1, 0 // the last star's position, and where its run ends now
	for si < len(s) {
		if pi < len(pattern) && pattern[pi] == '*' {
			star, starS = pi, si
			pi++
			continue
		}
		if pi < len(pattern) {
			if ok, width := matchOne(pattern[pi:], s[si]); ok {
				pi += width
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		// Let the last star take one more byte and retry after it.
		starS++
		pi, si = star+1, starS
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}

// matchOne matches c against the one-byte token at the start of p (not a
// star) and returns the token's width.
func matchOne(p []byte, c byte) (bool, int) {
	switch p[0] {
	case '?':
		return true, 1
	case '[':
		ok, rest := matchSet(p[1:], c)
		return ok, len(p) - len(rest)
	case '\\':
		if len(p) > 1 {
			return p[1] == c, 2
		}
	}
	return p[0] == c, 1
}

// matchSet matches c against the set that starts after '[' in p and
// returns the pattern after the closing ']' (or its end, when unclosed:
// Redis then takes the set to run to the end).
func matchSet(p []byte, c byte) (bool, []byte) {
	not := len(p) > 0 && p[0] == '^'
	if not {
		p = p[1:]
	}
	match := false
	for len(p) > 0 && p[0] != ']' {
		switch {
		case p[0] == '\\' && len(p) > 1:
			if p[1] == c {
				match = true
			}
			p = p[2:]
		case len(p) > 2 && p[1] == '-': // even "a-]": Redis takes the ']' as the range's end
			lo, hi := p[0], p[2]
			if lo > hi {
				lo, hi = hi, lo
			}
			if c >= lo && c <= hi {
				match = true
			}
			p = p[3:]
		default:
			if p[0] == c {
				match = true
			}
			p = p[1:]
		}
	}
	if len(p) > 0 {
		p = p[1:] // the ']'
	}
	return match != not, p
}
