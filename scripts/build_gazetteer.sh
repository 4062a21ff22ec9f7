#!/usr/bin/env bash
# Rebuild data/gazetteer/ from the reference data in ../shared/data (run from the repository root).
# Order matters: earlier sources are more precise; later ones only add aliases to a place they also name.
set -euo pipefail
S=${SHARED:-../shared/data}
GEO=${GEO:-.venv/bin/geo}
rm -f data/gazetteer/places.csv data/gazetteer/aliases.csv data/gazetteer/footprints.geojson
$GEO gazetteer import "$S/aleppo/csr_neighbourhoods.geojson" --format csr --source csr --licence MIT
$GEO gazetteer import "$S/aleppo/name_crosswalk.csv" --format crosswalk --source crosswalk
$GEO gazetteer import "$S/aleppo/unosat2015_neighbourhood_centroids.csv" --format unosat --source unosat
$GEO gazetteer import "$S/aleppo/csr_cultural_sites.geojson" --format sites --source csr-sites --licence MIT
$GEO gazetteer import "$S/aleppo/outskirts_places.csv" --format outskirts --source outskirts --licence CC-BY-SA
$GEO gazetteer import "$S/syria/geonames_cities500_near_aleppo.csv" --format geonames --source geonames --licence CC-BY-4.0
$GEO gazetteer import "$S/aleppo/governorate_places_wikipedia_module.csv" --format wikimodule --source wikimodule --licence CC-BY-SA
# Descriptors reports use for the two halves of the divided city (the project's own, precision 3).
$GEO gazetteer add aleppo-east --name "eastern Aleppo" --kind area --lon 37.185 --lat 36.205 --precision 3 \
  --alias "en:eastern Aleppo" --alias "en:east Aleppo" --alias "en:rebel-held east" --alias "en:the eastern districts" \
  --alias "en:eastern districts of Aleppo" --alias "en:eastern neighbourhoods" --alias "en:east of Aleppo city" \
  --alias "fr:l'est d'Alep" --alias "fr:Alep-Est" --alias "fr:les quartiers-est" --alias "fr:quartiers est d'Alep" \
  --alias "fr:quartiers orientaux" --alias "fr:secteur oriental" --alias "fr:partie orientale d'Alep" \
  --alias "ar:شرق حلب" --alias "ar:الأحياء الشرقية" --alias "ar:حلب الشرقية"
$GEO gazetteer add aleppo-west --name "western Aleppo" --kind area --lon 37.130 --lat 36.205 --precision 3 \
  --alias "en:western Aleppo" --alias "en:west Aleppo" --alias "en:the western districts" \
  --alias "en:western districts of Aleppo" --alias "en:western neighbourhoods" \
  --alias "fr:l'ouest d'Alep" --alias "fr:Alep-Ouest" --alias "fr:les quartiers-ouest" --alias "fr:quartiers ouest d'Alep" \
  --alias "fr:quartiers occidentaux" --alias "fr:secteur occidental" --alias "fr:partie occidentale d'Alep" \
  --alias "ar:غرب حلب" --alias "ar:الأحياء الغربية" --alias "ar:حلب الغربية"
# The two halves as reports describe them by who holds them: parts of the city named with the side that holds
# them ("les quartiers rebelles", "the rebel-held districts", "les secteurs prorégime"), generated from the same
# short lists of nouns and sides for both halves and both languages.
EAST=() WEST=()
for noun in districts neighbourhoods neighborhoods areas quarters sector part; do
  for held in rebel-held opposition-held insurgent-held militant-held; do EAST+=("en:$held $noun"); done
  for held in government-held regime-held loyalist-held pro-government; do WEST+=("en:$held $noun"); done
done
# (their participles and adjectives agree: "les quartiers tenus", "les zones tenues")
for noun in quartiers secteurs zones; do
  if [ "$noun" = zones ]; then e=es; gov=gouvernementales; else e=s; gov=gouvernementaux; fi
  for side in rebelles "insurgé$e" "tenu$e par les rebelles" "contrôlé$e par les rebelles"; do EAST+=("fr:$noun $side"); done
  for side in "$gov" "pro$gov" "pro-$gov" prorégime pro-régime "tenu$e par le régime" "contrôlé$e par le régime" loyalistes
    do WEST+=("fr:$noun $side"); done
done
EAST+=("fr:partie rebelle" "fr:partie contrôlée par les rebelles")
WEST+=("fr:partie gouvernementale" "fr:partie contrôlée par le régime")
$GEO gazetteer alias aleppo-east "${EAST[@]}"
$GEO gazetteer alias aleppo-west "${WEST[@]}"
# The halves as reports also place them: by side and direction together ("the rebel-held eastern districts"), as
# parts of "the city" ("the east of the city", "la partie est de la ville"; never "east of the city" alone, which
# also places what lies outside it), and the French direction after its noun without a hyphen ("aux quartiers
# est") or the city's name between the part and its holder ("la partie d'Alep tenue par les rebelles").
EAST=() WEST=()
for noun in districts neighbourhoods neighborhoods areas quarters sector part; do
  for held in rebel-held opposition-held insurgent-held militant-held; do EAST+=("en:$held eastern $noun"); done
  for held in government-held regime-held loyalist-held; do WEST+=("en:$held western $noun"); done
  EAST+=("en:eastern $noun of the city"); WEST+=("en:western $noun of the city")
done
EAST+=("en:the east of the city" "en:the east of Aleppo"); WEST+=("en:the west of the city" "en:the west of Aleppo")
for noun in quartiers secteurs; do
  EAST+=("fr:$noun est" "fr:$noun est de la ville"); WEST+=("fr:$noun ouest" "fr:$noun ouest de la ville"); done
EAST+=("fr:partie est de la ville" "fr:partie orientale de la ville" "fr:quartiers orientaux de la ville")
WEST+=("fr:partie ouest de la ville" "fr:partie occidentale de la ville" "fr:quartiers occidentaux de la ville")
for held in tenue contrôlée; do
  EAST+=("fr:partie d'Alep $held par les rebelles" "fr:partie de la ville $held par les rebelles")
  WEST+=("fr:partie d'Alep $held par le régime" "fr:partie de la ville $held par le régime"); done
for held in tenus contrôlés; do
  EAST+=("fr:quartiers d'Alep $held par les rebelles"); WEST+=("fr:quartiers d'Alep $held par le régime"); done
$GEO gazetteer alias aleppo-east "${EAST[@]}"
$GEO gazetteer alias aleppo-west "${WEST[@]}"
# Spellings seen in print that folding alone does not join (numerals with their nouns, fused words).
$GEO gazetteer alias aleppo-1070-apartments "en:1070 Apartments" "en:1070 project" "fr:1070 Appartements" \
  "fr:projet 1070" "fr:projet des 1070 logements" "fr:1070 logements" "ar:1070 شقة"
$GEO gazetteer alias aleppo-3000-apartments "en:3000 project" "fr:3000 Appartements" "fr:projet 3000" \
  "fr:3000 logements" "ar:3000 شقة"
$GEO gazetteer alias aleppo-umayyad-mosque "en:Great Mosque of Aleppo" "en:Great Mosque" "fr:Grande Mosquée" \
  "fr:Grande Mosquée d'Alep" "fr:Grande Mosquée des Omeyyades" "fr:mosquée des Omeyyades" "fr:mosquée omeyyade" "ar:الجامع الأموي"
$GEO gazetteer alias aleppo-citadel "fr:Citadelle d'Alep" "fr:la citadelle" "en:Aleppo Citadel" "ar:قلعة حلب"
$GEO gazetteer alias aleppo-handarat-camp en:Handarat "fr:camp de Handarat" "fr:camp de Handrat" "ar:مخيم حندرات"
$GEO gazetteer alias aleppo-castello-road "fr:route du Castello" "fr:route de Castello" "ar:طريق الكاستيلو"
$GEO gazetteer alias aleppo-layramoun-roundabout en:Leramoun "fr:rond-point de Layramoun" "fr:Layramoun"
$GEO gazetteer alias aleppo-bustan-al-basha "fr:Boustan al-Pacha" "fr:Boustane al-Bacha"
# The walled Old City: a part of the city reports name as one place (precision 2: a point near the Citadel,
# moved as a 600 m buffer by the layers).
$GEO gazetteer add aleppo-old-city --name "Old City of Aleppo" --kind area --lon 37.158 --lat 36.199 --precision 2 \
  --alias "en:Old City" --alias "en:Old Aleppo" --alias "en:old city of Aleppo" --alias "fr:vieille ville" \
  --alias "fr:vieille ville d'Alep" --alias "fr:Alep historique" --alias "ar:المدينة القديمة" --alias "ar:حلب القديمة"
# The Old City as reports describe it: the old, ancient or historic part, quarter or centre of the city.
OLD=()
for adj in old ancient historic; do for noun in part quarter centre center; do
  OLD+=("en:$adj $noun of Aleppo" "en:$adj $noun of the city"); done; done
OLD+=("en:old part of Aleppo city" "fr:partie ancienne d'Alep" "fr:partie ancienne de la ville"
      "fr:centre historique d'Alep" "fr:quartiers historiques d'Alep" "fr:cœur historique d'Alep")
$GEO gazetteer alias aleppo-old-city "${OLD[@]}"
$GEO gazetteer alias aleppo-az-zahra "en:Jamiyat al-Zahra" "en:Jamiat al-Zahraa" "en:Zahraa Association" \
  "en:Zahra association" "fr:Jamiyat al-Zahra" "fr:quartier de l'Association al-Zahra" "ar:جمعية الزهراء"
# The usual French names of two landmarks (the airport and the museum), as French reports write them.
$GEO gazetteer alias aleppo-international-airport "fr:aéroport d'Alep" "fr:aéroport de Nairab"
$GEO gazetteer alias aleppo-national-museum "fr:musée national d'Alep" "en:National Museum of Aleppo"
# Directions written in the reader's language: "Ansari Est", "East Ansari" for Ansari Sharqi (sharqi: eastern).
$GEO gazetteer alias aleppo-ansari-sharqi "fr:Ansari Est" "fr:Ansari-Est" "en:East Ansari" "en:Ansari East" \
  "en:Eastern Ansari"
# Two youth housing projects: reports call either one "the youth housing" (as-Sakan ash-Shababi), and the places
# named near it tell which ("the youth housing in Jazmati" is the south-eastern one).
$GEO gazetteer alias aleppo-al-maasaraniyeh-youth-housing "en:Youth Housing" "en:Sakan al-Shababi"
# The Citadel the sites layer marks lies in the neighbourhood named after it: a part of it.
$GEO gazetteer parent aleppo-citadel aleppo-citadel-landmark
# The Ramouseh military complex is the whole the three colleges are parts of (a report of the complex moves them).
$GEO gazetteer parent aleppo-ramouseh-military-complex aleppo-artillery-academy aleppo-armament-academy \
  aleppo-air-force-technical-college
# Places the 2012-2016 reports fought over that the layers above leave out (issue: places still missing).
# Villages beyond the module's 13 km, located by the same Wikipedia module table (precision 1, its points).
$GEO gazetteer add tal-aran --name "Tell Aran" --kind village --lon 37.340 --lat 36.123 --source wikimodule \
  --alias "en:Tal Aran" --alias "en:Tall Aran" --alias "fr:Tal Aran"
$GEO gazetteer add sheikh-ahmad --name "Sheikh Ahmad" --kind village --lon 37.528 --lat 36.150 --source wikimodule \
  --alias "fr:Cheikh Ahmad"
# Parts the sources do not locate: placed at the point of the whole they belong to (precision 2, an estimate),
# so that a report of one moves its whole until the control record draws it.
$GEO gazetteer add aleppo-data-college --name "Data College" --kind military_site --lon 37.114 --lat 36.159 \
  --precision 2
$GEO gazetteer add aleppo-military-logistics-school --name "Military Logistics School" --kind military_site \
  --lon 37.114 --lat 36.159 --precision 2
$GEO gazetteer parent aleppo-ramouseh-military-complex aleppo-data-college aleppo-military-logistics-school
$GEO gazetteer add aleppo-sport-institute --name "Sport Institute" --kind landmark --lon 37.16593 --lat 36.22551 \
  --precision 2 --alias "fr:Institut des sports"
$GEO gazetteer parent aleppo-bustan-al-basha aleppo-sport-institute
# Hand-drawn footprints (the project's own estimates, precision 2) for the places the 2016 reports fought over
# that the CSR layer does not draw: last, so they replace any line or point shape of the same id.
$GEO gazetteer import data/gazetteer/drawn.geojson --format drawn --source drawn
# Places named after a place they lie in are its parts (after the drawings: Minyan's sawmills lie in its drawing).
$GEO gazetteer nest
$GEO gazetteer stats
