document.getElementById('app')!.textContent = 'Atelier';
