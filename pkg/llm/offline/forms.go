package offline

import "github.com/synthdesk/synthdesk/pkg/llm"

// Shared sentence forms of first customer messages, per llm.Forms and
// llm.Registers. They name no intent's subject: the intent's frames fill
// them in.
//
//	{do}      an action ("cancel my order"), sometimes with a swear word
//	          in the offensive register
//	{doing}   an action as a gerund ("cancelling my order")
//	{topic}   a topic ("order cancellation")
//	{ask}     a direct question without its question mark
//	{problem} a statement of the situation ("my card was declined")
//	{curse}   a swear word
//
// A form template whose frames the intent lacks is skipped. Neutral
// templates also serve the other registers; terse ones only serve terse.
var forms = map[string]map[string][]string{
	llm.FormRequest: {
		"neutral": {
			"I want to {do}.", "I'd like to {do}.", "I need to {do}.", "Help me {do}.", "Can you help me {do}?",
			"I want help to {do}.", "Please help me {do}.", "I need help {doing}.", "I would like to {do}.",
			"I'm trying to {do}.", "Want to {do}.", "I need assistance {doing}.", "I'd like some help {doing}.",
			"Can you {do} for me?", "I'm looking for help {doing}.", "Could you help me {do}?",
		},
		"polite": {
			"Could you please help me {do}?", "Would you be able to help me {do}?", "I would be grateful if you could help me {do}.",
			"Please, I'd like to {do}.", "Could you kindly help me {do}?", "I'd really appreciate some help {doing}.",
			"May I ask for your help {doing}?", "I'd like to {do}, please.",
		},
		"colloquial": {
			"wanna {do}", "gotta {do}", "i wanna {do} [pls|asap|]", "can u help me {do}", "need to {do} real quick",
			"hey can you help me {do}", "yo i need to {do}", "lemme {do}", "help me {do} pls", "trying to {do} here",
		},
		"offensive": {
			"I want to {do} right now.", "Just let me {do} already.", "I need to {do}, this is {curse} ridiculous.",
			"Help me {do}, for god's sake.", "I want to {do} and I want it done now.", "{curse} help me {do}.",
		},
		"terse": {"{do}", "{do} pls", "{do} now", "want to {do}", "need to {do}"},
	},
	llm.FormQuestion: {
		"neutral": {
			"How do I {do}?", "How can I {do}?", "Can I {do}?", "Where can I {do}?", "What do I have to do to {do}?",
			"Is it possible to {do}?", "How to {do}?", "What's the way to {do}?", "Who can help me {do}?", "{ask}?",
			"{ask}?", "{ask}?", "Could I {do}?", "Where do I go to {do}?", "What are the steps to {do}?", "Any way to {do}?",
		},
		"polite": {
			"Could you tell me how to {do}, please?", "Would it be possible to {do}?", "Excuse me, {ask}?",
			"Sorry to bother you, how can I {do}?", "May I {do}?", "Could you please tell me how I can {do}?",
		},
		"colloquial": {
			"how do i {do}", "any way to {do}?", "where do i {do}", "can i {do} or what", "{ask}??", "so how do I {do}?",
			"ok how do i {do}", "{ask}", "how do u {do}",
		},
		"offensive": {
			"How the hell do I {do}?", "How do I {do} on this {curse} site?", "Where the hell do I {do}?",
			"Seriously, {ask}?", "{ask}? Answer me.", "What do I {curse} do to {do}?",
		},
		"terse": {"how to {do}?", "{ask}?", "{ask}", "where to {do}", "{topic}?"},
	},
	llm.FormIndirect: {
		"neutral": {
			"I was wondering how I can {do}.", "I was wondering if I could {do}.", "I'd like to know how to {do}.",
			"I wanted to ask how to {do}.", "I'm wondering whether I can {do}.", "I wanted to ask: {ask}?",
			"Do you know how I could {do}?", "I'd like to find out how to {do}.", "Could you tell me how I could {do}?",
			"I'd like to know, {ask}?", "Can you tell me how one would {do}?",
		},
		"polite": {
			"I was wondering if you could help me {do}.", "I would like to know how I might {do}, please.",
			"Would you mind telling me how to {do}?", "I'd be grateful to know how I could {do}.",
		},
		"colloquial": {
			"was wondering how i could {do}", "just wondering if i can {do}", "wondering how to {do}",
			"kinda wanna know how to {do}", "quick q, {ask}?",
		},
		"offensive": {
			"I'd like to know how the hell I'm supposed to {do}.", "I'd love to know why it's so {curse} hard to {do}.",
			"Somebody tell me how to {do}, for crying out loud.",
		},
		"terse": {"wondering how to {do}", "how I can {do}?", "wondering if I can {do}"},
	},
	llm.FormNeed: {
		"neutral": {
			"I need to {do}.", "I have to {do}.", "I've got to {do}.", "{problem}.", "{problem}, what do I do?",
			"{problem}. I need to {do}.", "I need help with {topic}.", "I'm looking to {do}.", "{problem}, can you help?",
			"It's about {topic}.", "I'd need to {do}.", "{problem}.",
		},
		"polite": {
			"I need to {do}, please.", "I'd need to {do}, if possible.", "{problem}, could you please help?",
			"I'm afraid {problem}. Could you help me?",
		},
		"colloquial": {"gotta {do}", "so {problem}", "ugh {problem}", "{problem}, help", "need to {do} asap", "{problem} lol"},
		"offensive":  {"{problem} and I'm {curse} sick of it.", "{problem}, this is {curse} ridiculous.", "I need to {do}, now."},
		"terse":      {"need to {do}", "{problem}", "have to {do}", "{problem}, help"},
	},
	llm.FormKeywords: {
		"neutral":    {"{topic}", "{topic}", "{topic}", "{topic} help", "{topic} question"},
		"polite":     {"{topic}, please", "{topic} please, thank you"},
		"colloquial": {"{topic} pls", "{topic} asap", "{topic}??"},
		"offensive":  {"{topic} now!", "{curse} {topic}", "{topic}, right now"},
		"terse":      {"{topic}", "{topic}", "{topic} help", "{topic}?"},
	},
	llm.FormFragment: {
		"neutral": {
			"Help with {topic}.", "Help {doing}.", "Question about {topic}.", "Assistance with {topic}.", "Info on {topic}.",
			"Help to {do}.", "A question about {topic}.", "Trying to {do}.", "Need help with {topic}.",
			"About {topic}.", "Help {doing}, please.", "Assistance {doing}.", "Help me with {topic}.", "{doing}?",
		},
		"polite":     {"Some help with {topic}, please.", "Help {doing}, please.", "A little help with {topic} would be great."},
		"colloquial": {"help w/ {topic}", "{topic} help pls", "help {doing} pls", "need help {doing}", "{doing} help"},
		"offensive":  {"{curse} help with {topic}.", "Help {doing} already.", "{topic}, now."},
		"terse":      {"help {doing}", "{topic} help", "help with {topic}", "{doing}", "assistance {doing}"},
	},
	llm.FormFrustrated: {
		"neutral": {
			"I've been trying to {do} for ages and it doesn't work.", "I tried to {do} and got nowhere.",
			"Why is it so hard to {do}?", "I've tried twice to {do} with no luck.", "It's impossible to {do} on your site.",
			"{problem} and nobody has helped so far.", "I just want to {do}, it shouldn't be this hard.",
			"This is the third time I'm asking how to {do}.",
		},
		"polite":     {"I'm sorry to bother you again, but I've been unable to {do}.", "I've had some trouble trying to {do}; could you help?"},
		"colloquial": {"ugh i've been trying to {do} all day", "seriously, i just wanna {do}", "been trying to {do} forever"},
		"offensive": {
			"Your {curse} website won't let me {do}.", "I've wasted an hour trying to {do}, this is {curse} useless.",
			"What kind of {curse} service makes it this hard to {do}?",
		},
		"terse": {"tried to {do}, didn't work", "still can't {do}"},
	},
	llm.FormCoordinated: {
		"neutral": {
			"I want to {do} and I don't know how.", "I need to {do}, can you help me?", "{problem} and I want to {do}.",
			"Can you help me {do} and tell me what I need?", "I need to {do} but I can't find the option.",
			"I tried to {do} but it didn't work, what should I do?", "{problem}, so I need to {do}.",
			"I want to {do}, and I'd like to {do} too.", "I'd like to {do}, where do I start?",
		},
		"polite":     {"I'd like to {do} and I'd appreciate your help.", "Could you help me {do} and let me know what comes next?"},
		"colloquial": {"wanna {do} but idk how", "need to {do} and i'm lost", "{problem} so i gotta {do}"},
		"offensive":  {"I need to {do} and your {curse} app isn't helping.", "{problem} and now I have to {do}, {curse} great."},
		"terse":      {"{do}, how?", "need to {do}, help"},
	},
	llm.FormNegated: {
		"neutral": {
			"I can't {do}.", "I don't know how to {do}.", "I can't figure out how to {do}.", "I'm not sure how to {do}.",
			"I don't understand how I can {do}.", "I don't see where to {do}.", "No idea how to {do}.",
			"I don't want to wait, I need to {do}.", "I can't find where to {do}.",
		},
		"polite":     {"I'm sorry, I don't quite know how to {do}.", "I'm afraid I can't work out how to {do}."},
		"colloquial": {"idk how to {do}", "cant figure out how to {do}", "dunno how to {do}"},
		"offensive":  {"I can't {do} on this {curse} app.", "Why the hell can't I {do}?"},
		"terse":      {"can't {do}", "don't know how to {do}"},
	},
}

// curses are the swear words of the offensive register; insults are
// adjectives put before a noun of an action ("cancel my damn order").
var (
	curses  = []string{"damn", "freaking", "bloody", "fucking", "goddamn"}
	insults = []string{"damn", "freaking", "bloody", "fucking", "stupid", "crappy", "goddamn"}
)
