module.exports = require('../../jest.preset.js')(__dirname, { displayName: 'scan-gateway' });
