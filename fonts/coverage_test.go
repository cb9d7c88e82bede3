package fonts

import (
	"os"
	"strings"
	"testing"
)

// requireSystemFonts skips a test that needs Noto Sans CJK or colour
// emoji when the machine lacks them, except in CI, which installs them
// (.ci/run) and must not skip.
func requireSystemFonts(t *testing.T, r *Registry) {
	t.Helper()
	if missing := r.MissingScripts(); len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have every font: no font for %s", strings.Join(missing, "; "))
		}
		t.Skipf("no font for %s", strings.Join(missing, "; "))
	}
}

// Ordinary headlines in the scripts ogcard promises need no glyph that
// no font has.
func TestSampleHeadlinesHaveEveryGlyph(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	requireSystemFonts(t, r)
	headlines := map[string]string{
		"English":             "Budget 2025 Announced: Key Reforms in AI, Energy & Infra — “quotes”, 50% off, €10/£8/$12",
		"Vietnamese":          "Các nhà khoa học phát hiện một con bạch tuộc phát sáng ở biển sâu gần rãnh Mariana",
		"Greek":               "Επιστήμονες ανακάλυψαν ένα φωτεινό χταπόδι βαθιάς θάλασσας",
		"Russian":             "Учёные обнаружили светящегося глубоководного осьминога",
		"Arabic":              "العلماء يكتشفون أخطبوطاً متوهجاً في أعماق البحر، ٢٠٢٥",
		"Persian":             "دانشمندان یک اختاپوس درخشان در اعماق دریا کشف کردند",
		"Urdu":                "سائنسدانوں نے سمندر کی گہرائی میں ایک چمکتا ہوا آکٹوپس دریافت کیا",
		"Hebrew":              "מדענים גילו תמנון זוהר במעמקי הים",
		"Hindi":               "वैज्ञानिकों ने मारियाना ट्रेंच के पास एक चमकता हुआ ऑक्टोपस खोजा",
		"Marathi":             "शास्त्रज्ञांनी खोल समुद्रात चमकणारा ऑक्टोपस शोधला",
		"Bengali":             "বিজ্ঞানীরা গভীর সমুদ্রের অক্টোপাস আবিষ্কার করেছেন",
		"Tamil":               "ஆழ்கடல் ஆக்டோபஸை விஞ்ஞானிகள் கண்டுபிடித்தனர்",
		"Telugu":              "శాస్త్రవేత్తలు మెరిసే లోతైన సముద్ర ఆక్టోపస్\u200cను కనుగొన్నారు",
		"Kannada":             "ವಿಜ್ಞಾನಿಗಳು ಹೊಳೆಯುವ ಆಳ ಸಮುದ್ರದ ಆಕ್ಟೋಪಸ್ ಅನ್ನು ಕಂಡುಹಿಡಿದರು",
		"Malayalam":           "ശാസ്ത്രജ്ഞർ തിളങ്ങുന്ന ആഴക്കടൽ നീരാളിയെ കണ്ടെത്തി",
		"Gujarati":            "વૈજ્ઞાનિકોએ ચમકતો ઊંડો સમુદ્રી ઓક્ટોપસ શોધ્યો",
		"Punjabi":             "ਵਿਗਿਆਨੀਆਂ ਨੇ ਚਮਕਦਾ ਡੂੰਘੇ ਸਮੁੰਦਰ ਦਾ ਆਕਟੋਪਸ ਲੱਭਿਆ",
		"Odia":                "ବୈଜ୍ଞାନିକମାନେ ଏକ ଚମକୁଥିବା ଗଭୀର ସମୁଦ୍ର ଅକ୍ଟୋପସ୍ ଆବିଷ୍କାର କରିଛନ୍ତି",
		"Sinhala":             "විද්\u200dයාඥයින් දිලිසෙන ගැඹුරු මුහුදු බූවල්ලෙකු සොයා ගත්හ",
		"Thai":                "นักวิทยาศาสตร์ค้นพบปลาหมึกยักษ์เรืองแสงใต้ทะเลลึก",
		"Chinese":             "科学家在马里亚纳海沟附近发现一种发光的深海章鱼，引发新问题。",
		"Traditional Chinese": "科學家在馬里亞納海溝附近發現一種發光的深海章魚",
		"Japanese":            "科学者がマリアナ海溝付近で光る深海のタコを発見「新種か」",
		"Korean":              "과학자들이 마리아나 해구 근처에서 빛나는 심해 문어를 발견했다",
		"Georgian":            "მეცნიერებმა აღმოაჩინეს მანათობელი ღრმა ზღვის რვაფეხა",
		"Armenian":            "Գիտնականները հայտնաբերել են լուսարձակող խորջրյա ութոտնուկ",
		"Amharic":             "ሳይንቲስቶች የሚያበራ ጥልቅ የባህር ኦክቶፐስ አገኙ",
		"Khmer":               "អ្នកវិទ្យាសាស្ត្ររកឃើញរតីយាវហឺភ្លឺ",
	}
	for _, weight := range []int{400, 700} {
		s, ok := r.Stack(DefaultFamily, weight, false)
		if !ok {
			t.Fatal("no default stack")
		}
		for lang, h := range headlines {
			if missing := s.Missing(h); len(missing) > 0 {
				t.Errorf("weight %d, %s: no glyph for %q", weight, lang, string(missing))
			}
		}
	}
}

// A character no font has is reported, not hidden.
func TestUnsupportedCharacterReported(t *testing.T) {
	r, _ := Default()
	s, _ := r.Stack(DefaultFamily, 400, false)
	got := s.Missing("Tengwar \U00016A40 and private \uE000 use")
	if len(got) != 2 || got[0] != 0x16A40 || got[1] != 0xE000 {
		t.Errorf("Missing = %U, want [U+16A40 U+E000]", got)
	}
}
