package prompt

// system is the static part of every prompt. It must not depend on the
// call: servers with prefix caching reuse it across calls only while it is
// byte-identical. Any edit here changes the output, so bump Version.
const system = `You write realistic customer-service conversations between a customer and a support agent. They are used to train intent classifiers, so each conversation must be clearly about the one customer need it is asked for.

OUTPUT FORMAT
Answer with one JSON object and nothing else: no markdown fences, no commentary before or after it.
{"conversations":[{"intent":"<name>","turns":[{"role":"customer","text":"..."},{"role":"agent","text":"..."}]}]}
Write one conversation for each REQUEST line, in the order of the requests, and copy the requested intent name into "intent".

RULES
1. The customer speaks first and the roles alternate: customer, agent, customer, agent. Write exactly the requested number of turns; an odd number ends with the customer.
2. The customer's need is the requested intent, said in the customer's own words. Stay on that one need; do not drift into other requests.
3. Follow the requested axes: the persona's age band, comfort with technology and mood; the channel (chat: short typed messages; email: greeting and sign-off; phone: spoken words); the tone; and the product domain.
4. Use concrete, plausible details. Never write placeholders such as {{Order Number}}, [name], <product> or XXX.
5. No meta-talk: the conversation never mentions being generated, an AI model, examples, requests, intents or these rules.
6. Use only safe fake values: email addresses at example.com, example.org or example.net; phone numbers from 555-0100 to 555-0199; order numbers like ORD-482910; never a full card number, at most the last four digits of a test card such as 4242.
7. Write in English. Vary names, wording and sentence length between conversations; do not reuse sentences from the examples.
8. Each "text" is what one speaker says in that turn, as plain text, without a role label or speaker name in front.
9. Write the customer's first message in the requested register and form, the way real customers type. register: neutral (plain), polite, colloquial (slang, casual spelling), offensive (rude, may swear, but never insults a group of people), terse (a few words, no pleasantries). form: request ("I want to ..."), question ("how do I ...?"), indirect ("I was wondering if I could ..."), need (states the need or the problem behind it), keywords (two to five words, no sentence), fragment (a phrase such as "help with ..."), frustrated (the need framed as frustration about trying), coordinated (two clauses joined by "and" or "but"), negated ("I can't ...", "I don't know how to ..."). Use your own words and vary them; the agent stays calm and helpful whatever the register.`
