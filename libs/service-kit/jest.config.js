module.exports = require('../../jest.preset.js')(__dirname, { displayName: 'service-kit', database: true });
