// The methods Atelier ships (GET /api/templates): the resilience day the product was made for,
// and four classics of facilitation. Durations are the ones their authors recommend, in minutes.
import type { TemplateInput } from './templates.js';

const resilience: TemplateInput = {
  id: 'resilience',
  name: {
    fr: 'Diagnostic de résilience territoriale',
    en: 'Territorial resilience diagnostic',
  },
  description: {
    fr: 'La journée type : six groupes thématiques rédigent leurs recommandations, votent, puis la salle priorise le tableau de synthèse.',
    en: 'The classic day: six thematic groups write their recommendations and vote, then the room prioritises the merged board.',
  },
  voteBudget: 5,
  groups: [
    {
      name: {
        fr: 'Diagnostic systémique du territoire',
        en: 'Systemic diagnosis of the territory',
      },
      prompt: {
        fr: 'Comment établir un état des lieux partagé des forces et faiblesses du territoire ?',
        en: 'How can we build a shared picture of the territory’s strengths and weaknesses?',
      },
    },
    {
      name: { fr: 'Cohésion sociale et solidarités', en: 'Social cohesion and solidarity' },
      prompt: {
        fr: 'Comment faire de la cohésion sociale le ciment de la résilience ?',
        en: 'How can social cohesion become the bedrock of resilience?',
      },
    },
    {
      name: {
        fr: 'Outils d’aide à la décision et gouvernance',
        en: 'Decision tools and governance',
      },
      prompt: {
        fr: 'Quels outils pour discuter, prioriser et décider ensemble ?',
        en: 'Which tools help us discuss, prioritise and decide together?',
      },
    },
    {
      name: { fr: 'Eau, sols et adaptation au climat', en: 'Water, soils and climate adaptation' },
      prompt: {
        fr: 'Comment adapter le territoire aux sécheresses, canicules et inondations ?',
        en: 'How can the territory adapt to droughts, heatwaves and floods?',
      },
    },
    {
      name: { fr: 'Alimentation et énergie locales', en: 'Local food and energy' },
      prompt: {
        fr: 'Comment réduire la dépendance du territoire pour se nourrir et se chauffer ?',
        en: 'How can the territory depend less on others to feed and heat itself?',
      },
    },
    {
      name: {
        fr: 'Gestion de crise et sécurité civile',
        en: 'Crisis management and civil protection',
      },
      prompt: {
        fr: 'Comment se préparer aux crises et y faire face collectivement ?',
        en: 'How do we prepare for crises and face them together?',
      },
    },
  ],
  steps: [
    { phase: 'lobby', minutes: null },
    { phase: 'write', minutes: 30 },
    { phase: 'vote', minutes: 5 },
    { phase: 'merge', minutes: 15 },
    { phase: 'prioritise', minutes: 10 },
    { phase: 'closed', minutes: null },
  ],
};

const oneTwoFourAll: TemplateInput = {
  id: '1-2-4-all',
  name: { fr: '1-2-4-Tous', en: '1-2-4-All' },
  description: {
    fr: 'Chacun·e réfléchit seul·e, puis en binôme, puis à quatre, avant la mise en commun : toutes les voix comptent, et les meilleures idées montent.',
    en: 'Everyone thinks alone, then in pairs, then in fours, before the whole room shares: every voice counts and the best ideas rise.',
  },
  voteBudget: 3,
  groups: [
    {
      name: { fr: 'Table 1', en: 'Table 1' },
      prompt: {
        fr: 'Quelle action pourrions-nous engager dès demain ?',
        en: 'What action could we start tomorrow?',
      },
    },
    {
      name: { fr: 'Table 2', en: 'Table 2' },
      prompt: {
        fr: 'Quelle action pourrions-nous engager dès demain ?',
        en: 'What action could we start tomorrow?',
      },
    },
    {
      name: { fr: 'Table 3', en: 'Table 3' },
      prompt: {
        fr: 'Quelle action pourrions-nous engager dès demain ?',
        en: 'What action could we start tomorrow?',
      },
    },
  ],
  steps: [
    { phase: 'lobby', minutes: null },
    {
      phase: 'write',
      minutes: 1,
      formation: 'solo',
      note: { fr: 'Seul·e, en silence.', en: 'Alone, in silence.' },
    },
    {
      phase: 'write',
      minutes: 2,
      formation: 'pairs',
      note: {
        fr: 'À deux : partagez et gardez le meilleur.',
        en: 'In pairs: share and keep the best.',
      },
    },
    {
      phase: 'write',
      minutes: 4,
      formation: 'fours',
      note: {
        fr: 'À quatre : repérez ce qui ressort.',
        en: 'In fours: notice what stands out.',
      },
    },
    { phase: 'merge', minutes: 5, formation: 'plenary' },
    { phase: 'prioritise', minutes: 5, formation: 'plenary' },
    { phase: 'closed', minutes: null },
  ],
};

const worldCafe: TemplateInput = {
  id: 'world-cafe',
  name: { fr: 'World Café', en: 'World Café' },
  description: {
    fr: 'Chaque table garde sa question, son tableau et son hôte·sse ; les autres changent de table à chaque tour et enrichissent ce que les précédent·es ont écrit.',
    en: 'Each table keeps its question, its board and its host; the others move table every round and build on what the previous visitors wrote.',
  },
  voteBudget: 5,
  groups: [
    {
      name: { fr: 'Table « Besoins »', en: '“Needs” table' },
      prompt: {
        fr: 'De quoi les habitant·es auront-ils le plus besoin en cas de crise ?',
        en: 'What will residents need most in a crisis?',
      },
    },
    {
      name: { fr: 'Table « Ressources »', en: '“Resources” table' },
      prompt: {
        fr: 'Sur quelles ressources du territoire pouvons-nous compter ?',
        en: 'Which resources of the territory can we count on?',
      },
    },
    {
      name: { fr: 'Table « Coopérations »', en: '“Cooperation” table' },
      prompt: {
        fr: 'Avec qui coopérer, et comment ?',
        en: 'Who should we work with, and how?',
      },
    },
    {
      name: { fr: 'Table « Premiers pas »', en: '“First steps” table' },
      prompt: {
        fr: 'Par quoi commencer dans les six prochains mois ?',
        en: 'Where do we start in the next six months?',
      },
    },
  ],
  steps: [
    { phase: 'lobby', minutes: null },
    { phase: 'write', minutes: 20 },
    {
      phase: 'write',
      minutes: 20,
      formation: 'rotate',
      note: {
        fr: 'Changez de table ; l’hôte·sse reste et résume.',
        en: 'Change tables; the host stays and sums up.',
      },
    },
    {
      phase: 'write',
      minutes: 20,
      formation: 'rotate',
      note: {
        fr: 'Dernier tour : complétez et précisez.',
        en: 'Last round: complete and sharpen.',
      },
    },
    { phase: 'vote', minutes: 5 },
    { phase: 'merge', minutes: 15, formation: 'plenary' },
    { phase: 'prioritise', minutes: 10, formation: 'plenary' },
    { phase: 'closed', minutes: null },
  ],
};

const swot: TemplateInput = {
  id: 'swot',
  name: { fr: 'Matrice SWOT (AFOM)', en: 'SWOT analysis' },
  description: {
    fr: 'Quatre groupes dressent les atouts, faiblesses, opportunités et menaces d’un projet ou d’un territoire, puis la salle retient les enjeux prioritaires.',
    en: 'Four groups list the strengths, weaknesses, opportunities and threats of a project or territory, then the room picks the priority issues.',
  },
  voteBudget: 5,
  groups: [
    {
      name: { fr: 'Atouts', en: 'Strengths' },
      prompt: {
        fr: 'Sur quoi pouvons-nous nous appuyer aujourd’hui ?',
        en: 'What can we build on today?',
      },
    },
    {
      name: { fr: 'Faiblesses', en: 'Weaknesses' },
      prompt: {
        fr: 'Qu’est-ce qui nous freine ou nous manque ?',
        en: 'What holds us back, or what do we lack?',
      },
    },
    {
      name: { fr: 'Opportunités', en: 'Opportunities' },
      prompt: {
        fr: 'Quelles évolutions extérieures pouvons-nous saisir ?',
        en: 'Which outside changes could we seize?',
      },
    },
    {
      name: { fr: 'Menaces', en: 'Threats' },
      prompt: {
        fr: 'Quels risques extérieurs devons-nous anticiper ?',
        en: 'Which outside risks must we anticipate?',
      },
    },
  ],
  steps: [
    { phase: 'lobby', minutes: null },
    { phase: 'write', minutes: 20 },
    { phase: 'vote', minutes: 5 },
    { phase: 'merge', minutes: 10 },
    { phase: 'prioritise', minutes: 10 },
    { phase: 'closed', minutes: null },
  ],
};

const retrospective: TemplateInput = {
  id: 'retrospective',
  name: { fr: 'Rétrospective', en: 'Retrospective' },
  description: {
    fr: 'Après un projet ou une saison : ce qui a marché, ce qui a freiné, ce que nous essaierons. Idéal en équipe, avec un vote pour choisir les actions.',
    en: 'After a project or a season: what worked, what held us back, what we will try. Made for teams, with a vote to choose the actions.',
  },
  voteBudget: 3,
  groups: [
    {
      name: { fr: 'Ce qui a marché', en: 'What worked' },
      prompt: {
        fr: 'Qu’est-ce qui nous a aidé·es et que nous voulons garder ?',
        en: 'What helped us, and what do we want to keep?',
      },
    },
    {
      name: { fr: 'Ce qui a freiné', en: 'What held us back' },
      prompt: {
        fr: 'Qu’est-ce qui nous a ralenti·es ou gêné·es ?',
        en: 'What slowed us down or got in the way?',
      },
    },
    {
      name: { fr: 'Ce que nous essaierons', en: 'What we will try' },
      prompt: {
        fr: 'Quelle expérience tenter la prochaine fois ?',
        en: 'Which experiment shall we try next time?',
      },
    },
  ],
  steps: [
    { phase: 'lobby', minutes: null },
    { phase: 'write', minutes: 10 },
    { phase: 'vote', minutes: 3 },
    { phase: 'merge', minutes: 10 },
    { phase: 'prioritise', minutes: 5 },
    { phase: 'closed', minutes: null },
  ],
};

/** In the order the organiser's page offers them. */
export const BUILTIN_TEMPLATES: readonly TemplateInput[] = [
  resilience,
  oneTwoFourAll,
  worldCafe,
  swot,
  retrospective,
];
