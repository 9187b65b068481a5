module.exports = require('../../jest.preset.js')(__dirname, { displayName: 'wallet', database: true });
