package main

// globMatch reports whether s matches the glob pattern as Redis's KEYS
// reads it (stringmatchlen): * any run, ? one byte, [abc] [^abc] [a-z]
// a set, \x the byte x itself. Bytes, not runes, as in Redis. s is a key
// as the map holds it, or bytes: matching converts neither.
func globMatch[T string | []byte](pattern []byte, s T) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for len(pattern) > 1 && pattern[1] == '*' {
				pattern = pattern[1:]
			}
			if len(pattern) == 1 {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if globMatch(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if len(s) == 0 {
				return false
			}
			s = s[1:]
			pattern = pattern[1:]
		case '[':
			if len(s) == 0 {
				return false
			}
			ok, rest := matchSet(pattern[1:], s[0])
			if !ok {
				return false
			}
			s = s[1:]
			pattern = rest
		case '\\':
			if len(pattern) > 1 {
				pattern = pattern[1:]
			}
			fallthrough
		default:
			if len(s) == 0 || s[0] != pattern[0] {
				return false
			}
			s = s[1:]
			pattern = pattern[1:]
		}
	}
	return len(s) == 0
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
		case len(p) > 2 && p[1] == '-' && p[2] != ']':
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
