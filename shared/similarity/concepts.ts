// General-vocabulary concepts for merge suggestions: words that people use interchangeably in
// workshops, in French and English, so that "vélo" meets "bicyclette" and "GP" meets "doctor".
// Each entry is a synonymy a dictionary grants, not a bridge between two sentences of a corpus;
// docs/suggestions.md says how the table was built and what it gains on the test split.
import { isStopWord, normalizeText, stem, surfaceForms, type Language } from './text.js';

/**
 * Concept → [French words, English words] (as written; each stemmed in its own language). Grouped
 * by the domains public-sector and company workshops talk about. Built from the misses of the
 * development split only (scripts/eval-suggestions.ts --errors dev), each entry widened to its
 * ordinary synonyms and translations; never from the test split.
 */
const CONCEPTS: Readonly<Record<string, readonly [string, string]>> = {
  // people
  resident: ['habitant citoyen population résident riverain', 'resident citizen inhabitant local'],
  decider: ['élu décideur maire conseiller', 'official councillor mayor council'],
  child: ['enfant élève gamin collégien écolier', 'child children kid pupil schoolchild'],
  youth: ['jeune ado adolescent lycéen', 'young youth teenager teen adolescent'],
  family: ['parent famille foyer', 'parent family household'],
  elderly: ['âgé aîné senior retraité', 'elderly older senior pensioner retired'],
  volunteer: ['bénévole volontaire', 'volunteer'],
  carer: ['aidant répit', 'carer caregiver respite'],
  student: ['étudiant interne stagiaire apprenti', 'student intern trainee apprentice'],
  staff: [
    'salarié employé agent collaborateur personnel effectif',
    'staff employee worker headcount personnel',
  ],
  newcomer: ['nouveau arrivant recrue', 'newcomer starter recruit'],
  // health
  doctor: [
    'médecin docteur généraliste praticien soignant infirmier',
    'doctor gp physician clinician nurse',
  ],
  hospital: ['hôpital chu clinique', 'hospital clinic'],
  pharmacy: ['pharmacie pharmacien', 'pharmacy pharmacist chemist'],
  mental: [
    'mental psychique psychologique détresse',
    'mental psychological distress struggling counsellor counselling',
  ],
  firstaid: ['secours secouriste', ''],
  screening: ['dépistage prévention contrôle', 'screening check prevention'],
  remote: ['distance téléconsultation visio', 'remote video'],
  appointment: ['rendez-vous consultation créneau', 'appointment slot consultation'],
  sport: ['sport physique', 'sport fitness active'],
  // transport
  bike: ['vélo bicyclette cycliste cyclable vae', 'bike bicycle cycle cycling cyclist'],
  car: ['voiture auto automobile véhicule', 'car vehicle automobile'],
  carpool: ['covoiturage', 'carpool lift ride'],
  pedestrian: [
    'piéton trottoir cheminement marcher pied',
    'pedestrian pavement sidewalk footpath walk walking',
  ],
  bus: ['bus car autocar navette minibus', 'bus coach shuttle minibus'],
  frequency: ['fréquence fréquent attente attendre', 'frequency frequent wait waiting'],
  ondemand: ['demande réservation réserver', 'demand booking dial'],
  realtime: ['retard horaire', 'delay timetable live'],
  free: ['gratuit gratuité', 'free'],
  subsidy: ['prime subvention subventionner', 'grant subsidy subsidise'],
  // places and environment
  tree: [
    'arbre forêt bois boisement verdure végétal végétaliser vert',
    'tree forest woodland wood greenery green',
  ],
  heat: ['canicule chaleur', 'heat heatwave'],
  cool: ['fraîcheur frais rafraîchir ombre', 'cool shade'],
  repair: ['réparer réparation', 'repair mend fix'],
  waste: ['déchet restes épluchures gaspillage', 'waste scraps leftovers peelings rubbish'],
  insulation: ['isoler isolation rénovation', 'insulate insulation retrofit draughty'],
  // school
  bullying: ['harcèlement brimade intimidation', 'bullying harassment'],
  homework: ['devoirs étude', 'homework tutoring'],
  canteen: ['cantine restaurant repas', 'canteen meal lunch'],
  screen: [
    'écran instagram tiktok facebook smartphone',
    'screen instagram tiktok facebook smartphone',
  ],
  classsize: ['effectif chargé surchargé', 'overcrowded'],
  // work and organisations
  job: ['métier emploi profession', 'job occupation profession'],
  career: ['carrière promotion évolution', 'career promotion promoted progression'],
  login: ['identifiant connexion authentification', 'password login logon credential'],
  recognition: [
    'reconnaissance remercier merci valoriser',
    'recognition recognise thank praise celebrate',
  ],
  flexible: ['horaire souple souplesse flexible', 'flexible flexibility hours rota schedule'],
  quiet: [
    'calme silence silencieux bruit concentrer',
    'quiet silent silence noise focus concentrate',
  ],
  peak: ['pic surcroît saisonnier', 'peak surge seasonal busy'],
  knowledge: ['documentation wiki connaissance', 'knowledge documentation wiki'],
  inform: ['informer information suivi bilan', 'inform report progress update'],
  language: ['interprète traduire traduction langue', 'interpreter translate translation language'],
  directory: ['annuaire répertoire guide', 'directory guide listing'],
  train: ['former formation sensibiliser', 'train training teach awareness'],
  drill: ['exercice simulation', 'drill simulation exercise'],
  weak: ['vulnérable fragile', 'vulnerable fragile'],
};

let index: Map<string, string[]> | undefined;

function build(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [concept, [fr, en]] of Object.entries(CONCEPTS)) {
    for (const [language, list] of [
      ['fr', fr],
      ['en', en],
    ] as const) {
      // "rendez-vous" → "rendez": the parts of a word that are not stop words.
      const written = new Map<string, string>();
      surfaceForms(list, written);
      for (const word of normalizeText(list).split(' ')) {
        if (word.length < 2 || isStopWord(word, language)) continue;
        const key = `${language}:${stem(written.get(word) ?? word, language)}`;
        const concepts = map.get(key) ?? [];
        if (!concepts.includes(`#${concept}`)) map.set(key, [...concepts, `#${concept}`]);
      }
    }
  }
  return map;
}

const NONE: readonly string[] = [];

/** The concepts (`#name`) a stem of `language` evokes. */
export function conceptsOf(stemmed: string, language: Language): readonly string[] {
  index ??= build();
  return index.get(`${language}:${stemmed}`) ?? NONE;
}
