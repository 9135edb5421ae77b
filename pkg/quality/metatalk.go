package quality

import (
	"fmt"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// metaPhrases are lowercase phrases by which a model talks about itself or
// the task instead of playing a role. They are specific enough not to hit
// what customers and agents say: "i cannot generate" alone would reject
// "I cannot generate an invoice from my account".
var metaPhrases = []string{
	"as an ai",
	"as a language model",
	"as a large language model",
	"i'm an ai",
	"i am an ai",
	"i'm just an ai",
	"language model developed by",
	"here is a conversation",
	"here's a conversation",
	"here is the conversation",
	"here's the conversation",
	"here is a sample",
	"here's a sample",
	"here is an example conversation",
	"here's an example conversation",
	"here's a dialogue",
	"here is a dialogue",
	"here's an example of",
	"here is an example of",
	"here's a realistic",
	"here is a realistic",
	"i cannot generate that",
	"i cannot generate this",
	"i cannot generate a conversation",
	"i cannot generate content",
	"i can't generate that",
	"i can't generate this",
	"i can't generate a conversation",
	"i'm unable to generate",
	"i am unable to generate",
	"i cannot fulfill this request",
	"i can't fulfill this request",
	"this conversation is fictional",
	"this is a fictional conversation",
	"end of conversation",
	"(end of dialogue)",
	"simulated conversation",
	"synthetic conversation",
}

// leadPhrases open a model's answer to the prompt. They are meta-talk only
// at the start of the first turn: an agent may well answer "Sure! Here is
// your tracking link", but no customer opens a conversation that way.
var leadPhrases = []string{
	"sure! here", "sure, here", "sure. here", "sure here",
	"certainly! here", "certainly, here", "of course! here", "absolutely! here",
	"here's the conversation", "here is the conversation",
}

// speakerLabels are transcript labels that belong in Turn.Role, not in
// the text.
var speakerLabels = []string{"customer:", "agent:", "user:", "assistant:", "support agent:"}

// checkMetaTalk rejects turns in which the model steps out of its role or
// writes transcript labels into the text.
func checkMetaTalk(conv *record.Conversation, f *findings) {
	for i, t := range conv.Turns {
		if p := findMetaTalk(t.Text, i == 0); p != "" {
			f.add(ReasonMetaTalk, fmt.Sprintf("turn %d has model meta-talk %q", i, p))
			return
		}
	}
}

// findMetaTalk returns the first meta phrase or speaker label in s, or "".
// first says s is the first turn, where lead phrases count too.
func findMetaTalk(s string, first bool) string {
	low := strings.ToLower(s)
	if strings.Contains(low, "\u2019") {
		low = strings.ReplaceAll(low, "\u2019", "'")
	}
	if first {
		start := strings.TrimLeft(low, " \t\n\"'")
		for _, p := range leadPhrases {
			if strings.HasPrefix(start, p) {
				return p
			}
		}
	}
	if p := findMetaPhrase(low); p != "" {
		return p
	}
	for rest := low; rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		line = strings.TrimLeft(line, " \t*-#>")
		for _, l := range speakerLabels {
			if strings.HasPrefix(line, l) {
				return l
			}
		}
	}
	return ""
}

// metaByFirst lists, for each byte, the indexes in metaPhrases of the
// phrases that start with it.
var metaByFirst = func() (t [256][]int) {
	for i, p := range metaPhrases {
		t[p[0]] = append(t[p[0]], i)
	}
	return t
}()

// findMetaPhrase returns the first phrase of metaPhrases (in list order)
// that occurs in low not glued to a letter on either side, so "as an ai"
// does not match "as an aide"; "" if none does. It reads low once, trying
// at each position not preceded by a letter the phrases starting with
// the byte there.
func findMetaPhrase(low string) string {
	best := len(metaPhrases)
	for i := 0; i < len(low); i++ {
		if i > 0 && isASCIILetter(low[i-1]) {
			continue
		}
		for _, k := range metaByFirst[low[i]] {
			if k >= best {
				break
			}
			p := metaPhrases[k]
			if strings.HasPrefix(low[i:], p) && !isASCIILetter(byteAt(low, i+len(p))) {
				best = k
				break
			}
		}
	}
	if best == len(metaPhrases) {
		return ""
	}
	return metaPhrases[best]
}

func byteAt(s string, i int) byte {
	if i < 0 || i >= len(s) {
		return 0
	}
	return s[i]
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
