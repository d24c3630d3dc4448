package main

// skiplist keeps a sorted set's members in order of (score, member), as
// Redis's zskiplist does: each node has a random number of levels (each
// next level with probability 1/4), and each link counts the nodes it
// skips, so that an element's rank and the element at a rank are found
// in O(log n), as are inserts and deletes. Level 0 also links backwards,
// for reverse walks.
type skiplist struct {
	head  *zNode // a sentinel with every level
	tail  *zNode
	level int // levels in use, at least 1
	n     int
	rand  uint64 // xorshift state for node levels
}

type zNode struct {
	member string
	score  float64
	back   *zNode
	links  []zLink
}

// zLink is one level's link: the next node at that level, and how many
// level-0 steps it spans.
type zLink struct {
	next *zNode
	span int
}

const zMaxLevel = 32

func newSkiplist() *skiplist {
	return &skiplist{head: &zNode{links: make([]zLink, zMaxLevel)}, level: 1, rand: 0x9e3779b97f4a7c15}
}

// less reports whether (as, am) sorts before (bs, bm).
func less(as float64, am string, bs float64, bm string) bool {
	return as < bs || as == bs && am < bm
}

func (s *skiplist) randomLevel() int {
	level := 1
	for level < zMaxLevel {
		s.rand ^= s.rand << 13
		s.rand ^= s.rand >> 7
		s.rand ^= s.rand << 17
		if s.rand&3 != 0 {
			break
		}
		level++
	}
	return level
}

// insert adds member with score; the member must not be in the list.
func (s *skiplist) insert(score float64, member string) {
	var update [zMaxLevel]*zNode
	var rank [zMaxLevel]int
	x := s.head
	for i := s.level - 1; i >= 0; i-- {
		if i < s.level-1 {
			rank[i] = rank[i+1]
		}
		for next := x.links[i].next; next != nil && less(next.score, next.member, score, member); next = x.links[i].next {
			rank[i] += x.links[i].span
			x = next
		}
		update[i] = x
	}
	level := s.randomLevel()
	for i := s.level; i < level; i++ {
		update[i] = s.head
		s.head.links[i].span = s.n
	}
	s.level = max(s.level, level)
	x = &zNode{member: member, score: score, links: make([]zLink, level)}
	for i := range level {
		x.links[i].next = update[i].links[i].next
		update[i].links[i].next = x
		x.links[i].span = update[i].links[i].span - (rank[0] - rank[i])
		update[i].links[i].span = rank[0] - rank[i] + 1
	}
	for i := level; i < s.level; i++ {
		update[i].links[i].span++
	}
	if update[0] != s.head {
		x.back = update[0]
	}
	if next := x.links[0].next; next != nil {
		next.back = x
	} else {
		s.tail = x
	}
	s.n++
}

// remove deletes member, whose score is score.
func (s *skiplist) remove(score float64, member string) {
	var update [zMaxLevel]*zNode
	x := s.head
	for i := s.level - 1; i >= 0; i-- {
		for next := x.links[i].next; next != nil && less(next.score, next.member, score, member); next = x.links[i].next {
			x = next
		}
		update[i] = x
	}
	x = x.links[0].next
	if x == nil || x.score != score || x.member != member {
		return
	}
	for i := range s.level {
		if update[i].links[i].next == x {
			update[i].links[i].span += x.links[i].span - 1
			update[i].links[i].next = x.links[i].next
		} else {
			update[i].links[i].span--
		}
	}
	if next := x.links[0].next; next != nil {
		next.back = x.back
	} else {
		s.tail = x.back
	}
	for s.level > 1 && s.head.links[s.level-1].next == nil {
		s.level--
	}
	s.n--
}

// rank returns the 0-based rank of member, whose score is score.
func (s *skiplist) rank(score float64, member string) int {
	x, r := s.head, 0
	for i := s.level - 1; i >= 0; i-- {
		for next := x.links[i].next; next != nil && !less(score, member, next.score, next.member); next = x.links[i].next {
			r += x.links[i].span
			x = next
		}
		if x != s.head && x.member == member {
			return r - 1
		}
	}
	return -1
}

// at returns the node of 0-based rank r, 0 ≤ r < n.
func (s *skiplist) at(r int) *zNode {
	x, traversed := s.head, 0
	r++
	for i := s.level - 1; i >= 0; i-- {
		for x.links[i].next != nil && traversed+x.links[i].span <= r {
			traversed += x.links[i].span
			x = x.links[i].next
		}
		if traversed == r {
			return x
		}
	}
	return nil
}

// firstFrom returns the rank of the first node whose score is at least
// min (above it, if exclusive); n if there is none.
func (s *skiplist) firstFrom(min float64, exclusive bool) int {
	x, r := s.head, 0
	for i := s.level - 1; i >= 0; i-- {
		for next := x.links[i].next; next != nil && (next.score < min || exclusive && next.score == min); next = x.links[i].next {
			r += x.links[i].span
			x = next
		}
	}
	return r
}
