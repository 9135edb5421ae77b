package offline

// Built-in phrasing shared by every intent: channel frames, greetings,
// persona lines and generic turns. None of it names an intent's subject,
// so it never pulls a conversation towards another intent.
var (
	chatGreetings = map[string][]string{
		"neutral": {"Hi. ", "Hello. ", "Hi there. ", "Hi, ", ""},
		"formal":  {"Good morning. ", "Good afternoon. ", "Hello. ", "Good evening. "},
		"casual":  {"hey ", "hi! ", "hey there, ", "hiya, ", ""},
		"polite":  {"Hello! ", "Hi, I hope you're well. ", "Hi there, ", "Hello there! "},
		"terse":   {""},
	}
	phoneGreetings = []string{"Hi, yes, hello. ", "Hello, um, ", "Yeah, hi. ", "Hi there, ", "Oh, hi. ", "Hello? Hi. ", "Yes, hi, "}
	phoneFillers   = []string{"Um, ", "Uh, ", "So, ", "Yeah, so ", "Okay, so ", "Right, ", "Well, "}
	emailGreetings = map[string][]string{
		"neutral": {"Hello,\n\n", "Hi,\n\n", "Hi there,\n\n"},
		"formal":  {"Dear team,\n\n", "Good afternoon,\n\n", "Dear Sir or Madam,\n\n"},
		"casual":  {"Hey,\n\n", "Hi folks,\n\n", "Hi team,\n\n"},
		"polite":  {"Hello,\n\n", "Good morning,\n\n", "Hi, I hope you are well.\n\n"},
		"terse":   {""},
	}
	emailSignoffs = map[string][]string{
		"neutral": {"\n\nThanks,\n{first_name}", "\n\nBest,\n{name}", "\n\nRegards,\n{first_name}"},
		"formal":  {"\n\nKind regards,\n{name}", "\n\nYours sincerely,\n{name}", "\n\nBest regards,\n{name}"},
		"casual":  {"\n\nCheers,\n{first_name}", "\n\nThanks!\n{first_name}", "\n\n- {first_name}"},
		"polite":  {"\n\nMany thanks,\n{name}", "\n\nThank you,\n{first_name}", "\n\nWarm regards,\n{name}"},
		"terse":   {"\n\n{first_name}", "\n\n{name}"},
	}
	emailReplyGreetings = []string{"Hi {agent_name},\n\n", "Hello again,\n\n", "Thanks for the quick reply, {agent_name}.\n\n", "Hi,\n\n"}

	moodLines = map[string][]string{
		"annoyed":   {"I'd like this sorted out today.", "Honestly, this has taken too long already.", "I'm getting a bit fed up here."},
		"anxious":   {"I'm a little worried about this.", "Sorry if this is a silly question.", "I'm a bit nervous I messed it up."},
		"cheerful":  {"Hope all is well!", "Thanks so much in advance!", "You folks are usually great, so I'm sure it's easy."},
		"confused":  {"I'm not sure I'm doing this right.", "I find the website a bit confusing.", "I don't really understand how this works."},
		"impatient": {"I don't have much time, so a quick answer would be great.", "Please be quick.", "I need this sorted fast."},
	}
	lowTechLines = []string{"I'm not very good with computers.", "Sorry, I'm not great with apps.", "I'm not very technical, so bear with me."}
	seniorLines  = []string{"My grandson usually handles these things for me.", "I don't use the website much, I'm afraid."}
	toneTails    = map[string][]string{
		"polite": {"Thanks in advance.", "Thank you so much.", "That would be lovely."},
		"formal": {"Thank you for your assistance.", "I look forward to your reply.", "Thank you for your time."},
	}
	customerAcks = []string{"Sure. ", "Yes, ", "Okay, ", "Right, ", "Of course. ", "Ah, ", "", "", ""}
	customerFill = []string{
		"Okay, thanks.", "Sure, take your time.", "Alright.", "Yes, that's right.", "Okay, no rush.",
		"Got it.", "Sounds good.", "It's under the name {name}.", "It's {name}, by the way.",
		"Okay, understood.", "Yes, that's me.", "Okay, go ahead.",
	}
	genericClosings = []string{
		"Thanks, that's all I needed.", "Great, thank you!", "Perfect, thanks for the help.",
		"Okay, that works for me. Thanks!", "Got it, thank you.", "Thanks a lot, take care.",
		"Alright, I appreciate it.", "Cool, thanks!", "That's great, thank you.", "Wonderful, thanks so much.",
		"Okay, thanks for sorting that out.", "Brilliant, cheers.",
	}

	chatAgentIntros  = []string{"Hi, I'm {agent_name}. ", "Hello! ", "Hi there! ", "Hi, {agent_name} here. ", ""}
	phoneAgentIntros = []string{"Thanks for calling, this is {agent_name}. ", "Hello, you're speaking with {agent_name}. ", "[Good morning|Good afternoon|Hi], {agent_name} speaking. "}
	emailAgentHellos = []string{"Hi {first_name},\n\n", "Hello {first_name},\n\n", "Dear {name},\n\n"}
	emailAgentByes   = []string{"\n\nKind regards,\n{agent_name}", "\n\nBest,\n{agent_name}", "\n\nThanks,\n{agent_name}\nSupport Team"}
	phoneAgentFiller = []string{"Okay, ", "Alright, ", "Right, ", "Mm-hm, ", "", ""}
	empathy          = map[string][]string{
		"annoyed":   {"I'm sorry for the trouble. ", "I understand, let's get this sorted. "},
		"anxious":   {"No worries, we'll sort this out. ", "Don't worry, this is easy to fix. "},
		"cheerful":  {"Glad to hear from you! ", "Thanks for the message! "},
		"confused":  {"No problem, I'll walk you through it. ", "That's okay, I'll guide you. "},
		"impatient": {"I'll be quick. ", "Let's get this done fast. "},
	}
	calmLines = []string{
		"I understand this is frustrating, and I'm here to help. ", "I hear you, let's fix this together. ",
		"Sorry this has been such a hassle. ", "I get that this is annoying; I'll do my best to help. ",
	}
	genericAsks = []string{
		"Sure, I can help with that. Could you tell me a bit more?",
		"Happy to look into it. What details can you share?",
		"Of course. Could you give me your name and any reference number you have?",
	}
	genericSteps = []string{
		"Thanks, one moment while I look into this.", "Let me check that for you.",
		"Thanks for your patience, I'm still looking.", "Got it, thanks for confirming.",
		"Thank you, I can see the details here.", "Bear with me for a second.",
	}
	genericResolutions = []string{
		"That's all sorted on my side. You'll get a confirmation by email shortly.",
		"I've taken care of it. Let me know if anything else comes up.",
		"Done! You should see the update within a few minutes.",
	}
	resolutionTails = []string{" Is there anything else I can help with?", " Anything else I can do for you today?", " Have a great day!", "", ""}
)
