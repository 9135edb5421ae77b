package quality

import "math"

// minBandRecall is the probability, for two texts exactly at the
// threshold similarity, that some LSH band makes them candidates. It is
// higher for pairs above the threshold (0.99996 at 0.95 for 0.85).
const minBandRecall = 0.99

// Index finds exact and near duplicates among the fingerprints added to
// it. Near duplicates are found by LSH banding of the MinHash signature
// and confirmed by the estimated similarity. Given the same Add order it
// answers the same, so replaying logged fingerprints rebuilds it. Not safe
// for concurrent use.
type Index struct {
	threshold   float64
	minEqual    int // signature values that must agree
	rows, bands int

	ids   []string
	exact map[uint64]int32
	// sigs holds the low 16 bits of each entry's signature (b-bit MinHash:
	// halves the memory, and a chance 16-bit collision shifts the estimate
	// by 1/65536 per value). noSig marks entries without a signature.
	sigs []uint16
	// heads maps a band key to the newest entry in its bucket; next chains
	// entry*bands+band to the previous entry with the same key.
	heads map[uint64]int32
	next  []int32

	seen  []uint32 // per entry: the Match call that last compared it
	epoch uint32
}

const noEntry = -1

// NewIndex returns an index for the near-duplicate threshold: the
// estimated Jaccard similarity of customer-text shingles at or above
// which a record is a near duplicate. A threshold of 1 or more detects
// exact duplicates only; so does one that is not positive.
func NewIndex(threshold float64) *Index {
	ix := &Index{threshold: threshold, exact: make(map[uint64]int32)}
	if threshold > 0 && threshold < 1 {
		ix.rows, ix.bands = bandsFor(threshold)
		ix.minEqual = int(math.Ceil(threshold*SignatureSize - 1e-9))
		ix.heads = make(map[uint64]int32)
	}
	return ix
}

// bandsFor picks the most selective banding (most rows per band) that
// still makes a pair at threshold t a candidate with minBandRecall.
func bandsFor(t float64) (rows, bands int) {
	rows, bands = 1, SignatureSize
	for r := 2; r <= SignatureSize; r++ {
		b := SignatureSize / r
		if 1-math.Pow(1-math.Pow(t, float64(r)), float64(b)) < minBandRecall {
			break
		}
		rows, bands = r, b
	}
	return rows, bands
}

// Len returns the number of fingerprints added.
func (ix *Index) Len() int { return len(ix.ids) }

// Match returns the id of an earlier record fp duplicates and the reason:
// ReasonDuplicate when the normalized texts are equal, ReasonNearDuplicate
// when the estimated similarity reaches the threshold.
func (ix *Index) Match(fp Fingerprint) (id, reason string, ok bool) {
	if e, hit := ix.exact[fp.Exact]; hit {
		return ix.ids[e], ReasonDuplicate, true
	}
	if ix.bands == 0 || len(fp.MinHash) != SignatureSize {
		return "", "", false
	}
	ix.epoch++
	for band := 0; band < ix.bands; band++ {
		head, found := ix.heads[ix.bandKey(fp.MinHash, band)]
		if !found {
			continue
		}
		for e := head; e != noEntry; e = ix.next[int(e)*ix.bands+band] {
			if ix.seen[e] == ix.epoch {
				continue
			}
			ix.seen[e] = ix.epoch
			if ix.agrees(e, fp.MinHash) {
				return ix.ids[e], ReasonNearDuplicate, true
			}
		}
	}
	return "", "", false
}

// Add records fp under id. Adding an exact duplicate keeps the first id.
func (ix *Index) Add(id string, fp Fingerprint) {
	e := int32(len(ix.ids))
	ix.ids = append(ix.ids, id)
	if _, dup := ix.exact[fp.Exact]; !dup {
		ix.exact[fp.Exact] = e
	}
	if ix.bands == 0 {
		return
	}
	ix.seen = append(ix.seen, 0)
	if len(fp.MinHash) != SignatureSize {
		for range ix.bands {
			ix.next = append(ix.next, noEntry)
		}
		ix.sigs = append(ix.sigs, make([]uint16, SignatureSize)...)
		return
	}
	for _, v := range fp.MinHash {
		ix.sigs = append(ix.sigs, uint16(v))
	}
	for band := 0; band < ix.bands; band++ {
		key := ix.bandKey(fp.MinHash, band)
		prev, ok := ix.heads[key]
		if !ok {
			prev = noEntry
		}
		ix.next = append(ix.next, prev)
		ix.heads[key] = e
	}
}

// bandKey hashes the rows of one band together with the band number.
func (ix *Index) bandKey(sig []uint32, band int) uint64 {
	h := uint64(band) + 1
	for _, v := range sig[band*ix.rows : (band+1)*ix.rows] {
		h = mix64(h ^ uint64(v))
	}
	return h
}

// agrees reports whether entry e shares at least minEqual signature
// values with sig. It stops as soon as too many differ, which is early for
// the many candidates far below the threshold.
func (ix *Index) agrees(e int32, sig []uint32) bool {
	stored := ix.sigs[int(e)*SignatureSize : (int(e)+1)*SignatureSize]
	budget := SignatureSize - ix.minEqual
	for i, v := range sig {
		if stored[i] != uint16(v) {
			if budget--; budget < 0 {
				return false
			}
		}
	}
	return true
}
