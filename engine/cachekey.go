package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
)

// CacheKey returns the content hash that names the card for data and out:
// a SHA-256 over the engine version, the template's hash (its layout,
// assets and fonts), the data as bound to the fields (defaults applied,
// undeclared keys dropped) and the output options. A changed headline,
// layout or asset is a new key, so a stored card never needs
// invalidating. It returns a *DataError when data does not fit.
//
// Pictures are part of the key by reference (their URL), not content: a
// photo replaced at the same URL keeps the old card until the URL
// changes, as a CDN would.
func (t *Template) CacheKey(data Data, out Output) (string, error) {
	vals, err := t.bind(data)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(Version + "\x00" + t.Hash + "\x00"))
	b, _ := json.Marshal(vals) // map keys marshal sorted: a canonical form
	h.Write(b)
	h.Write([]byte("\x00" + string(out.Format) + "\x00" + strconv.Itoa(out.Quality) + "\x00" + strconv.Itoa(out.MaxBytes) + "\x00" + string(out.OverBudget)))
	return hex.EncodeToString(h.Sum(nil)), nil
}
