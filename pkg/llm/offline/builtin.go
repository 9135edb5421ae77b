package offline

// std is the built-in phrasing of style.go, compiled once.
var std = compileStyle()

type stylePools struct {
	chatGreetings, emailGreetings, emailSignoffs, moodLines, toneTails, empathy map[string]pool

	phoneGreetings, phoneFillers, emailReplyGreetings, lowTechLines, seniorLines pool
	customerAcks, customerFill, closings, chatAgentIntros, phoneAgentIntros      pool
	emailAgentHellos, emailAgentByes, phoneAgentFiller, asks, steps, resolutions pool
	resolutionTails, calm                                                        pool
}

func compileStyle() *stylePools {
	st := newSlotTable(nil)
	p := func(src []string) pool {
		out := make(pool, len(src))
		for i, s := range src {
			t, err := parseTemplate(s, st)
			if err != nil {
				panic("offline: built-in phrasing: " + err.Error())
			}
			out[i] = t
		}
		return out
	}
	m := func(src map[string][]string) map[string]pool {
		out := make(map[string]pool, len(src))
		for k, v := range src {
			out[k] = p(v)
		}
		return out
	}
	return &stylePools{
		chatGreetings: m(chatGreetings), emailGreetings: m(emailGreetings), emailSignoffs: m(emailSignoffs),
		moodLines: m(moodLines), toneTails: m(toneTails), empathy: m(empathy),
		phoneGreetings: p(phoneGreetings), phoneFillers: p(phoneFillers), emailReplyGreetings: p(emailReplyGreetings),
		lowTechLines: p(lowTechLines), seniorLines: p(seniorLines), customerAcks: p(customerAcks),
		customerFill: p(customerFill), closings: p(genericClosings), chatAgentIntros: p(chatAgentIntros),
		phoneAgentIntros: p(phoneAgentIntros), emailAgentHellos: p(emailAgentHellos), emailAgentByes: p(emailAgentByes),
		phoneAgentFiller: p(phoneAgentFiller), asks: p(genericAsks), steps: p(genericSteps),
		resolutions: p(genericResolutions), resolutionTails: p(resolutionTails), calm: p(calmLines),
	}
}
