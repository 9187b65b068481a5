module.exports = require('../../jest.preset.js')(__dirname, { displayName: 'ordering', database: true });
