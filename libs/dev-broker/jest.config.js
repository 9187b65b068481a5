module.exports = require('../../jest.preset.js')(__dirname, { displayName: 'dev-broker' });
