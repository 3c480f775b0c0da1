/** A ratio beside its goal, and whether this run met it: "1.07 (goal ≤ 1.2, met)". */
export const ratio = (value: number, goal: number): string => `${value.toFixed(2)} (goal ≤ ${goal}${value <= goal ? ', met' : ', missed'})`;
