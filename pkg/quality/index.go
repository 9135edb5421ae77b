package quality

import (
	"math"
	"math/bits"
	"strings"
)

// Index finds exact and near duplicates among the fingerprints added to
// it. Near duplicates are found by LSH banding of the MinHash signature
// and confirmed by the estimated similarity. It keeps about 130 bytes per
// entry with ids of ~18 bytes, about 115 without: the signature
// bit-sliced in 48 bytes, one int32 link per band, hash tables of int32
// entry numbers and, when given, the ids in one byte arena without the
// prefix they share (a job's conversation ids share the job id). Given
// the same Add order it answers the same, so
// replaying logged fingerprints rebuilds it. Not safe for concurrent use.
type Index struct {
	threshold   float64
	maxDiff     int // signature values that may differ
	rows, bands int

	ids   idTable
	exact exactTable
	// planes holds entryWords words per entry: bit b of the signature
	// values, SignatureSize bits per plane. Entries without a signature
	// keep zeros and are never linked into a band. Entries are stored in
	// chunks of chunkEntries (as are next's links), so the index grows by
	// what it adds, without the copies and spare capacity of doubling.
	planes [][]uint64
	// heads has chainSlots slots per band, each a link to the newest
	// entry whose band key hashes there (0: none); next[e*bands+band]
	// links to the previous entry in the same slot. A link is entry+1 in
	// its low 24 bits and 8 bits of the entry's key hash above, so Match
	// passes most entries of other keys sharing the slot without reading
	// their signatures, and the table needs no stored keys.
	heads      []uint32
	next       [][]uint32
	chainSlots int
}

const (
	sigWords   = SignatureSize / 64
	entryWords = ValueBits * sigWords
	// bandCount trades memory (4 to 6 bytes per band and entry) against
	// how many rows each band can have at a given recall: more rows make
	// templated texts share a band key less often, so fewer buckets
	// crowd past maxChainScan (see docs/quality.md).
	bandCount = 10
	// maxChainScan bounds the entries with the query's band key that Match
	// compares per band. Templated
	// texts pile up in the buckets of bands whose minima all come from
	// the shared frame words; a near duplicate still shares the other
	// bands, whose buckets are short.
	maxChainScan = 64
	// maxChainWalk bounds the links Match follows per band, whatever
	// their keys: a slot shared with a crowded key holds a chain as long as
	// that key's entries, which a query with another key would otherwise
	// walk to its end.
	maxChainWalk = 8 * maxChainScan
	// linksPerSlot is the mean chain length at which the band tables
	// double.
	linksPerSlot = 4
	// linkEntryMask selects the entry+1 of a link: entries from 1<<24-1
	// on are found as exact duplicates only.
	linkEntryMask = 1<<24 - 1
	// chunkEntries is the number of entries per storage chunk.
	chunkBits    = 14
	chunkEntries = 1 << chunkBits
)

// recallSimilarity is the similarity at which a pair must become an LSH
// candidate with probability minBandRecall: a third of the way from the
// threshold to 1 (0.9 for 0.85).
func recallSimilarity(t float64) float64 { return t + (1-t)/3 }

// minBandRecall is the candidate probability bandsFor guarantees at
// recallSimilarity.
const minBandRecall = 0.99

// NewIndex returns an index for the near-duplicate threshold: the
// estimated Jaccard similarity of customer-text shingles at or above
// which a record is a near duplicate. A threshold of 1 or more detects
// exact duplicates only; so does one that is not positive.
func NewIndex(threshold float64) *Index {
	ix := &Index{threshold: threshold}
	if threshold > 0 && threshold < 1 {
		ix.rows, ix.bands = bandsFor(threshold)
		ix.maxDiff = SignatureSize - minEqualFor(threshold)
	}
	return ix
}

// bandsFor picks the most rows per band (fewest chance candidates) for
// which bandCount bands still make a pair at recallSimilarity(t) a
// candidate with minBandRecall. A band key holds at most 64 bits.
func bandsFor(t float64) (rows, bands int) {
	p := recallSimilarity(t) + (1-recallSimilarity(t))*chanceEqual
	rows = 1
	for r := 2; r*bandCount <= SignatureSize && r*ValueBits <= 64; r++ {
		if 1-math.Pow(1-math.Pow(p, float64(r)), bandCount) < minBandRecall {
			break
		}
		rows = r
	}
	return rows, bandCount
}

// Len returns the number of fingerprints added.
func (ix *Index) Len() int { return ix.ids.len() }

// plane returns entry e's signature planes.
func (ix *Index) plane(e int) *[entryWords]uint64 {
	return (*[entryWords]uint64)(ix.planes[e>>chunkBits][(e&(chunkEntries-1))*entryWords:])
}

// nextLink returns the link of entry e in band.
func (ix *Index) nextLink(e, band int) *uint32 {
	return &ix.next[e>>chunkBits][(e&(chunkEntries-1))*ix.bands+band]
}

// Match returns the id of an earlier record fp duplicates and the reason:
// ReasonDuplicate when the normalized texts are equal, ReasonNearDuplicate
// when the estimated similarity reaches the threshold.
func (ix *Index) Match(fp Fingerprint) (id, reason string, ok bool) {
	if e := ix.exact.find(fp.Exact); e >= 0 {
		return ix.id(e), ReasonDuplicate, true
	}
	if ix.chainSlots == 0 || len(fp.MinHash) != SignatureSize {
		return "", "", false
	}
	var q [entryWords]uint64
	slice(fp.MinHash, &q)
	for band := range ix.bands {
		key := ix.bandKey(&q, band)
		s, tag := ix.slot(key, band)
		link := ix.heads[s]
		for n, walked := 0, 0; link != 0 && n < maxChainScan && walked < maxChainWalk; walked++ {
			e := int(link&linkEntryMask) - 1
			sameTag := link>>24 == tag
			link = *ix.nextLink(e, band)
			if !sameTag {
				continue
			}
			p := ix.plane(e)
			if ix.bandKey(p, band) != key {
				continue // another key sharing the slot
			}
			if ix.agrees(p, &q) {
				return ix.id(e), ReasonNearDuplicate, true
			}
			n++
		}
	}
	return "", "", false
}

// Add records fp under id. Adding an exact duplicate keeps the first id.
func (ix *Index) Add(id string, fp Fingerprint) {
	e := ix.Len()
	ix.ids.add(id)
	ix.exact.insert(fp.Exact, e)
	if ix.bands == 0 {
		return
	}
	var q [entryWords]uint64
	if len(fp.MinHash) == SignatureSize {
		slice(fp.MinHash, &q)
	}
	if e&(chunkEntries-1) == 0 {
		ix.planes = append(ix.planes, make([]uint64, chunkEntries*entryWords))
		ix.next = append(ix.next, make([]uint32, chunkEntries*ix.bands))
	}
	*ix.plane(e) = q
	if e+1 > ix.chainSlots*linksPerSlot {
		ix.rechain()
		return
	}
	ix.link(e)
}

func (ix *Index) id(e int) string { return ix.ids.get(e) }

// link makes entry e the newest of its chain in every band.
func (ix *Index) link(e int) {
	q := ix.plane(e)
	if *q == ([entryWords]uint64{}) || e+1 > linkEntryMask {
		return // no signature (an all-zero one is vanishingly rare), or past the link range
	}
	for band := range ix.bands {
		s, tag := ix.slot(ix.bandKey(q, band), band)
		*ix.nextLink(e, band) = ix.heads[s]
		ix.heads[s] = uint32(e+1) | tag<<24
	}
}

// rechain doubles the band tables and relinks every entry in Add order,
// which gives the chains Add alone would have built at that size.
func (ix *Index) rechain() {
	ix.chainSlots = max(64, ix.chainSlots*2)
	ix.heads = make([]uint32, ix.chainSlots*ix.bands)
	for e := range ix.Len() {
		ix.link(e)
	}
}

// bandKey packs the values of sig's rows in band.
// (plane by plane, which is as good as value by value for a key).
func (ix *Index) bandKey(sig *[entryWords]uint64, band int) uint64 {
	lo := band * ix.rows
	w, shift := lo/64, uint(lo%64)
	mask := uint64(1)<<ix.rows - 1
	var key uint64
	for b := range ValueBits {
		bits := sig[b*sigWords+w] >> shift
		if shift != 0 && w+1 < sigWords {
			bits |= sig[b*sigWords+w+1] << (64 - shift)
		}
		key = key<<ix.rows | bits&mask
	}
	return key
}

// slot returns the heads index of a band key and the key's link tag.
func (ix *Index) slot(key uint64, band int) (int, uint32) {
	h := mix64(key ^ uint64(band+1)*0x9e3779b97f4a7c15)
	return band*ix.chainSlots + int(h&uint64(ix.chainSlots-1)), uint32(h >> 56)
}

// agrees reports whether signatures p and sig differ in at most maxDiff
// values: a value differs where any of its bit planes do.
func (ix *Index) agrees(p, sig *[entryWords]uint64) bool {
	diff := 0
	for w := range sigWords {
		var d uint64
		for b := range ValueBits {
			d |= p[b*sigWords+w] ^ sig[b*sigWords+w]
		}
		diff += bits.OnesCount64(d)
	}
	return diff <= ix.maxDiff
}

// exactTable maps Exact hashes to the first entry that had them: an open
// addressing table of entry+1 (0: empty) with the hashes kept per entry,
// 8 bytes per entry plus 5 to 11 bytes of slots.
type exactTable struct {
	hashes []uint64 // per entry
	slots  []int32
	used   int
}

// find returns the entry whose hash is h, or -1.
func (t *exactTable) find(h uint64) int {
	if len(t.slots) == 0 {
		return -1
	}
	mask := len(t.slots) - 1
	for i := int(mix64(h)) & mask; t.slots[i] != 0; i = (i + 1) & mask {
		if e := int(t.slots[i] - 1); t.hashes[e] == h {
			return e
		}
	}
	return -1
}

// insert records entry e's hash h, keeping an earlier entry with h.
func (t *exactTable) insert(h uint64, e int) {
	t.hashes = append(t.hashes, h)
	if t.find(h) >= 0 {
		return
	}
	if (t.used+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	t.place(e)
	t.used++
}

// grow doubles the slots and re-places every first entry.
func (t *exactTable) grow() {
	old := t.slots
	t.slots = make([]int32, max(64, 2*len(old)))
	for _, s := range old {
		if s != 0 {
			t.place(int(s - 1))
		}
	}
}

func (t *exactTable) place(e int) {
	mask := len(t.slots) - 1
	i := int(mix64(t.hashes[e])) & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = int32(e + 1)
}

// idTable stores ids as their common prefix and each id's remainder in
// one arena: 4 bytes per id plus the remainder. Ids added empty while no
// id was given cost nothing (the admission ledger does not name
// duplicates).
type idTable struct {
	empty  int // leading entries with an empty id, while ends is empty
	prefix string
	arena  []byte
	ends   []uint32 // ends[e]: end of entry e's remainder in arena
}

func (t *idTable) len() int { return t.empty + len(t.ends) }

func (t *idTable) add(id string) {
	if len(t.ends) == 0 {
		if id == "" {
			t.empty++
			return
		}
		t.prefix = id
		if t.empty > 0 {
			// The empty ids so far keep empty remainders under no prefix.
			t.prefix = ""
			t.ends = make([]uint32, t.empty, t.empty+1)
			t.empty = 0
		}
	} else if !strings.HasPrefix(id, t.prefix) {
		t.shorten(id)
	}
	t.arena = append(t.arena, id[len(t.prefix):]...)
	t.ends = append(t.ends, uint32(len(t.arena)))
}

// shorten cuts the prefix to what it shares with id, moving the cut part
// into every stored remainder. The prefix only shrinks, so this runs at
// most once per byte of the first id.
func (t *idTable) shorten(id string) {
	n := 0
	for n < len(t.prefix) && n < len(id) && t.prefix[n] == id[n] {
		n++
	}
	cut := t.prefix[n:]
	arena := make([]byte, 0, len(t.arena)+len(cut)*len(t.ends))
	start := uint32(0)
	for e, end := range t.ends {
		arena = append(arena, cut...)
		arena = append(arena, t.arena[start:end]...)
		start, t.ends[e] = end, uint32(len(arena))
	}
	t.prefix, t.arena = t.prefix[:n], arena
}

func (t *idTable) get(e int) string {
	if len(t.ends) == 0 {
		return ""
	}
	start := uint32(0)
	if e > 0 {
		start = t.ends[e-1]
	}
	return t.prefix + string(t.arena[start:t.ends[e]])
}
