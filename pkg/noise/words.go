package noise

import "strings"

// The word lists below are written for this package: common English
// shortenings, chat spellings and informal forms.

// contractions turns two words into their contracted form.
var contractions = newLexicon(map[string]string{
	"do not": "don't", "does not": "doesn't", "did not": "didn't",
	"is not": "isn't", "are not": "aren't", "was not": "wasn't", "were not": "weren't",
	"have not": "haven't", "has not": "hasn't", "had not": "hadn't",
	"can not": "can't", "cannot": "can't", "could not": "couldn't",
	"would not": "wouldn't", "should not": "shouldn't", "will not": "won't",
	"i am": "i'm", "i would": "i'd", "i will": "i'll", "i have been": "i've been",
	"you are": "you're", "we are": "we're", "they are": "they're",
	"it is": "it's", "that is": "that's", "what is": "what's", "where is": "where's",
	"there is": "there's", "how is": "how's", "let us": "let's",
})

// abbreviations are the shortenings people type in support chats.
var abbreviations = newLexicon(map[string]string{
	"account": "acct", "accounts": "accts", "information": "info", "please": "pls",
	"you": "u", "number": "num", "message": "msg", "messages": "msgs",
	"address": "addr", "password": "pwd", "application": "app",
	"subscription": "sub", "reference": "ref", "minutes": "mins",
	"department": "dept", "as soon as possible": "asap", "tomorrow": "tmrw",
	"something": "smth", "approximately": "approx", "okay": "ok",
	"with": "w/", "without": "w/o", "regarding": "re", "received": "rcvd",
	"government": "govt", "versus": "vs", "additional": "addl",
	"credit card": "cc", "customer service": "cust service",
})

// textSpeak holds chat spellings and acronyms.
var textSpeak = newLexicon(map[string]string{
	"you": "u", "are": "r", "your": "ur", "you're": "ur", "please": "plz",
	"thanks": "thx", "thank you": "ty", "okay": "k", "ok": "k",
	"by the way": "btw", "to be honest": "tbh", "i don't know": "idk",
	"i do not know": "idk", "right now": "rn", "oh my god": "omg",
	"because": "cuz", "though": "tho", "really": "rly", "people": "ppl",
	"probably": "prob", "tonight": "tonite", "what": "wat", "why": "y",
	"love": "luv", "see you": "cya", "in my opinion": "imo",
	"as soon as possible": "asap", "for your information": "fyi",
})

// colloquialisms are informal spoken forms.
var colloquialisms = newLexicon(map[string]string{
	"want to": "wanna", "going to": "gonna", "got to": "gotta", "have to": "gotta",
	"kind of": "kinda", "sort of": "sorta", "let me": "lemme", "give me": "gimme",
	"yes": "yeah", "hello": "hey", "hi": "hey", "a lot of": "lots of",
	"do not know": "dunno", "don't know": "dunno", "because": "cause",
	"is it possible to": "can i", "would like to": "wanna", "trying to": "tryna",
	"isn't": "ain't", "them": "'em",
})

// colloquialOpeners start a turn when no colloquial form fits.
var colloquialOpeners = []string{"hey,", "so", "ok so", "yo,", "hey there,", "right, so"}

// fillers are hesitation words inserted between words.
var fillers = []string{"um", "uh", "like", "you know", "basically", "I mean", "well", "honestly", "kinda", "so"}

// politeLeads are the a leading "I want to"-style phrase.
var politeLeads = newLexicon(map[string]string{
	"i want to": "", "i need to": "", "i would like to": "", "i'd like to": "",
	"i wanna": "", "i wish to": "", "i have to": "",
})

// politeAsks are what politeness puts in front of a request.
var politeAsks = []string{
	"could you please help me", "can you please help me", "would you please help me",
	"could you kindly help me", "I'd really appreciate it if you could help me",
}

// politeVerbs are imperative verbs that may take "could you please" in
// front of them.
var politeVerbs = map[string]bool{
	"cancel": true, "track": true, "change": true, "check": true, "show": true, "send": true,
	"help": true, "update": true, "delete": true, "remove": true, "give": true, "get": true,
	"tell": true, "find": true, "reset": true, "recover": true, "switch": true, "set": true,
	"open": true, "close": true, "create": true, "add": true, "download": true, "list": true,
	"explain": true, "modify": true, "edit": true, "unsubscribe": true, "subscribe": true,
	"refund": true, "issue": true, "correct": true, "fix": true, "let": true, "confirm": true,
}

// politeOpeners go in front of a turn; politeClosers after one that ends
// with sentence punctuation, politeTails after one that does not.
var (
	politeOpeners = []string{"Hello,", "Hi there,", "Good morning,", "Good afternoon,", "Excuse me,"}
	politeClosers = []string{"Thank you!", "Thanks in advance.", "Thanks a lot.", "I'd appreciate your help.", "Many thanks."}
	politeTails   = []string{", thanks", ", thank you", " thx", ", thanks in advance", " please, thank you"}
)

// stopwords are the words keyword mode drops: function words and the
// wrapping of a request ("I would like to", "can you help me").
var stopwords = wordSet(`a an the and or but so if then than as of to for in on at by with from
about into over after before up out off i me my mine myself we us our you your yours he she it its
they them their this that these those there here is are was were be been being am do does did doing
have has had having can could would should will shall may might must want wanna need needed like
please pls help assist assistance hi hello hey thanks thank thx know how what where when why which
who whom whose i'm i'd i'll i've it's there's what's just also really very
some any all much many more most tell let see way possible someone somebody something anything
able trying try wish would've um uh well ok okay yes get got make sure kindly dear
again still now today going gonna gotta`)

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}
