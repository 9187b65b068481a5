module.exports = require('../../jest.preset.js')(__dirname, { displayName: 'messaging', database: true });
