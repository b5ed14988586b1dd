// One palette for every chart, so a series means the same colour on every page.
export const colours = {
  supply: '#2e7d32',
  demand: '#c62828',
  price: '#1565c0',
  energy: '#ef8f00',
  declared: '#7e57c2',
  awarded: '#1565c0',
  actual: '#2e7d32',
};

export const chartHeight = 300;
