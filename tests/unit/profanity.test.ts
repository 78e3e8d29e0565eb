// The profanity check flags what a facilitator would want to see first, in French and English,
// and leaves ordinary workshop vocabulary alone.
import { describe, expect, it } from 'vitest';
import { createProfanityCheck } from '../../server/services/profanity.js';

const check = createProfanityCheck();

describe('profanity check', () => {
  it('flags French insults, with accents, capitals, hyphens and leetspeak', () => {
    expect(check.find('Ce plan, c’est de la merde')).toEqual(['merde']);
    expect(check.find('Quel ENCULÉ a écrit ça')).toEqual(['ENCULÉ']);
    expect(check.find('une vraie sous-merde')).toContain('sous-merde');
    expect(check.find('s@l0pe')).toEqual(['s@l0pe']);
  });

  it('flags English swearing, even spaced out or with look-alike letters', () => {
    expect(check.find('what the fuck is this')).toHaveLength(1);
    expect(check.find('this is sh1t')).toHaveLength(1);
  });

  it('leaves the vocabulary of a resilience workshop alone', () => {
    const clean = [
      'Créer un conseil local de la résilience avec les habitants',
      'Cultiver les friches et accompagner la culture maraîchère',
      'Assess the class sizes in Scunthorpe and Essex schools',
      'Mettre en place une cellule de crise intercommunale',
      'Constituer une réserve communale de sécurité civile',
    ];
    for (const text of clean) expect(check.find(text)).toEqual([]);
  });
});
