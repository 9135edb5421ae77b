package offline

// products are the things a customer of each domain buys. They are plain
// nouns with no intent vocabulary, so any intent can mention them.
var products = map[string][]string{
	"electronics": {
		"wireless headphones", "USB-C charger", "27-inch monitor", "mechanical keyboard", "smartwatch",
		"Bluetooth speaker", "laptop stand", "webcam", "tablet case", "portable SSD", "e-reader",
		"noise-cancelling earbuds", "gaming mouse", "smart plug set", "action camera",
	},
	"fashion": {
		"denim jacket", "running shoes", "wool scarf", "leather belt", "linen shirt", "rain coat",
		"pair of sneakers", "summer dress", "knit sweater", "ankle boots", "canvas backpack",
		"pair of chinos", "silk tie", "puffer vest", "sun hat",
	},
	"groceries": {
		"weekly produce box", "case of sparkling water", "coffee beans", "olive oil", "pasta bundle",
		"breakfast cereal pack", "organic fruit basket", "tea sampler", "snack box", "baking kit",
		"spice set", "frozen meal bundle", "cheese selection", "granola jars", "rice sack",
	},
	"travel": {
		"cabin suitcase", "travel backpack", "neck pillow", "luggage scale", "packing cubes",
		"travel adapter", "hard-shell suitcase", "city tour voucher", "weekend hotel voucher",
		"toiletry bag", "passport wallet", "compression socks", "duffel bag", "luggage tags", "travel towel",
	},
	"software_subscriptions": {
		"photo editor license", "cloud backup add-on", "antivirus license", "video editing suite",
		"language learning app", "music streaming pass", "note-taking app license", "VPN license",
		"project planner app", "office suite license", "design tool license", "meditation app",
		"fitness app membership", "e-book reader app", "website builder license",
	},
	"home_furniture": {
		"oak dining table", "office chair", "bookshelf", "bed frame", "floor lamp", "sofa cushion set",
		"coffee table", "wardrobe", "bar stools", "memory foam mattress", "rug", "desk",
		"shoe cabinet", "garden bench", "bedside table",
	},
	"beauty": {
		"face serum", "hair dryer", "moisturizer", "perfume", "makeup brush set", "nail polish set",
		"shampoo bundle", "electric toothbrush", "sunscreen", "lip balm pack", "hair straightener",
		"body lotion", "eyeshadow palette", "beard trimmer", "skincare gift set",
	},
	"sports_outdoors": {
		"yoga mat", "camping tent", "mountain bike helmet", "dumbbell set", "hiking boots",
		"sleeping bag", "tennis racket", "fitness tracker", "water bottle", "trekking poles",
		"kayak paddle", "climbing harness", "running vest", "foam roller", "camping stove",
	},
	"books_media": {
		"cookbook", "box set of novels", "vinyl record", "board book set", "graphic novel",
		"language course DVD", "audiobook bundle", "poster print", "travel guide", "photo album",
		"hardcover biography", "puzzle book", "calendar", "sketchbook", "journal",
	},
	"toys_games": {
		"building blocks set", "board game", "remote control car", "puzzle", "plush toy",
		"dollhouse", "card game", "kids' scooter", "science kit", "train set", "art supplies kit",
		"wooden toy kitchen", "video game", "kite", "drone",
	},
	"pet_supplies": {
		"dog bed", "cat tree", "bag of dog food", "aquarium filter", "pet carrier", "dog leash",
		"cat litter", "bird cage", "chew toy pack", "pet fountain", "scratching post",
		"dog raincoat", "hamster cage", "grooming brush", "pet camera",
	},
}

// allProducts serves an unknown or empty domain.
var allProducts = func() []string {
	var all []string
	for _, d := range sortedKeys(products) {
		all = append(all, products[d]...)
	}
	return all
}()

func (c *composer) product() string {
	return c.products[c.rng.IntN(len(c.products))]
}
