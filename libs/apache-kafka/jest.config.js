module.exports = require('../../jest.preset.js')(__dirname, { displayName: 'apache-kafka' });
